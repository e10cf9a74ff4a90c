from django.urls import path

from openisms.risk.views import (
    assets,
    classification,
    imports,
    library,
    methodology,
    overview,
    plan,
    register,
)

app_name = "risk"
urlpatterns = [
    path("", overview.overview, name="overview"),
    path("heatmap/<slug:which>.svg", overview.heatmap_svg, name="heatmap_svg"),
    path("method/", methodology.methodology, name="methodology"),
    path("method/edit/", methodology.methodology_edit, name="methodology_edit"),
    path("method/<int:version>/decide/", methodology.methodology_decide, name="methodology_decide"),
    path("assets/", assets.assets, name="assets"),
    path("assets/new/", assets.asset_create, name="asset_create"),
    path("assets/<uuid:asset_id>/", assets.asset_detail, name="asset_detail"),
    path("assets/<uuid:asset_id>/edit/", assets.asset_edit, name="asset_edit"),
    path("assets/<uuid:asset_id>/delete/", assets.asset_delete, name="asset_delete"),
    path("register/", register.register, name="register"),
    path("register/new/", register.risk_create, name="risk_create"),
    path("register/<uuid:risk_id>/", register.risk_detail, name="risk_detail"),
    path("register/<uuid:risk_id>/edit/", register.risk_edit, name="risk_edit"),
    path("register/<uuid:risk_id>/delete/", register.risk_delete, name="risk_delete"),
    path("register/<uuid:risk_id>/accept/", register.risk_accept, name="risk_accept"),
    path("register/<uuid:risk_id>/actions/new/", plan.action_create, name="action_create"),
    path("actions/<uuid:action_id>/edit/", plan.action_edit, name="action_edit"),
    path("plan/", plan.plan, name="plan"),
    path("plan/sign/", plan.plan_sign, name="plan_sign"),
    path("mine/", register.mine, name="mine"),
    path("classification/", classification.levels, name="classification"),
    path(
        "classification/<uuid:level_id>/",
        classification.level_edit,
        name="classification_edit",
    ),
    path(
        "classification/<uuid:level_id>/delete/",
        classification.level_delete,
        name="classification_delete",
    ),
    path("library/", library.library, name="library"),
    path("library/<slug:kind>/new/", library.library_add, name="library_add"),
    path("import/<slug:kind>/", imports.import_upload, name="import_upload"),
    path("import/<slug:kind>/<uuid:job_id>/", imports.import_review, name="import_review"),
    path("export/<slug:kind>.<slug:fmt>", imports.export, name="export"),
]
