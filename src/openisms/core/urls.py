from django.urls import include, path

from openisms.core.views import deleted, home, inbox, members, records

app_name = "core"
urlpatterns = [
    path("", home.dashboard, name="dashboard"),
    path("section/<slug:key>/", home.section, name="section"),
    path("inbox/", inbox.inbox_page, name="inbox"),
    path("inbox/count/", inbox.inbox_count, name="inbox_count"),
    path("members/", members.members, name="members"),
    path("members/add/", members.add_member, name="add_member"),
    path("members/invite/", members.invite, name="invite"),
    path("members/<uuid:membership_id>/", members.change_member, name="change_member"),
    path("members/<uuid:membership_id>/remove/", members.remove_member, name="remove_member"),
    path(
        "invitations/<uuid:invitation_id>/revoke/",
        members.revoke_invitation,
        name="revoke_invitation",
    ),
    path("audit-trail/", records.audit_trail, name="audit_trail"),
    path("audit-trail/verify/", records.audit_verify, name="audit_verify"),
    path("audit-trail/anchor/", records.audit_anchor, name="audit_anchor"),
    path("approvals/", records.approvals, name="approvals"),
    path("deleted/", deleted.recently_deleted, name="recently_deleted"),
    path("deleted/<str:record_type>/<uuid:record_id>/restore/", deleted.restore, name="restore"),
    path("tokens/", records.tokens, name="tokens"),
    path("tokens/<uuid:token_id>/revoke/", records.revoke, name="revoke_token"),
    path("catalogue/", include("openisms.catalogue.urls")),
    path("risk/", include("openisms.risk.urls")),
    path("context/", include("openisms.context.urls")),
    path("leadership/", include("openisms.leadership.urls")),
    path("people/", include("openisms.people.urls")),
    path("documents/", include("openisms.documents.urls")),
    path("controls/", include("openisms.controls.urls")),
]
