from django.urls import path

from openisms.context.records import ISSUES, PARTIES
from openisms.context.views import exports, requirements, scope
from openisms.core.records.views import urls

app_name = "context"
urlpatterns = [
    *urls(ISSUES),
    *urls(PARTIES),
    path("requirements/", requirements.requirement_list, name="requirements"),
    path("requirements/new/", requirements.requirement_create, name="requirement_create"),
    path(
        "requirements/export.<slug:fmt>",
        exports.requirements_export,
        name="requirements_export",
    ),
    path(
        "requirements/<uuid:requirement_id>/",
        requirements.requirement_detail,
        name="requirement_detail",
    ),
    path(
        "requirements/<uuid:requirement_id>/edit/",
        requirements.requirement_edit,
        name="requirement_edit",
    ),
    path(
        "requirements/<uuid:requirement_id>/delete/",
        requirements.requirement_delete,
        name="requirement_delete",
    ),
    path("scope/", scope.scope, name="scope"),
    path("scope/draft/", scope.scope_start, name="scope_start"),
    path("scope/print/", scope.scope_print, name="scope_print"),
    path("scope/scope.pdf", scope.scope_pdf, name="scope_pdf"),
    path("scope/<uuid:scope_id>/", scope.scope_version, name="scope_version"),
    path("scope/<uuid:scope_id>/edit/", scope.scope_edit, name="scope_edit"),
    path("scope/<uuid:scope_id>/discard/", scope.scope_discard, name="scope_discard"),
    path("scope/<uuid:scope_id>/decide/", scope.scope_decide, name="scope_decide"),
    path("scope/<uuid:scope_id>/print/", scope.scope_print, name="scope_version_print"),
    path("scope/<uuid:scope_id>/scope.pdf", scope.scope_pdf, name="scope_version_pdf"),
]
