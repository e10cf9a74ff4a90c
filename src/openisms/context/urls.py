from django.urls import path

from openisms.context.views import exports, issues, parties, requirements, scope

app_name = "context"
urlpatterns = [
    path("issues/", issues.issue_list, name="issues"),
    path("issues/new/", issues.issue_create, name="issue_create"),
    path("issues/export.<slug:fmt>", exports.issues_export, name="issues_export"),
    path("issues/<uuid:issue_id>/", issues.issue_detail, name="issue_detail"),
    path("issues/<uuid:issue_id>/edit/", issues.issue_edit, name="issue_edit"),
    path("issues/<uuid:issue_id>/delete/", issues.issue_delete, name="issue_delete"),
    path("parties/", parties.party_list, name="parties"),
    path("parties/new/", parties.party_create, name="party_create"),
    path("parties/export.<slug:fmt>", exports.parties_export, name="parties_export"),
    path("parties/<uuid:party_id>/", parties.party_detail, name="party_detail"),
    path("parties/<uuid:party_id>/edit/", parties.party_edit, name="party_edit"),
    path("parties/<uuid:party_id>/delete/", parties.party_delete, name="party_delete"),
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
