"""Evidence pages of the controls module (under /o/<slug>/controls/)."""

from django.urls import path

from openisms.controls.views import evidence as ev
from openisms.controls.views import evidence_requests as rq
from openisms.core.register_exports import export_view

urlpatterns = [
    path("evidence/", ev.evidence_list, name="evidence_list"),
    path("evidence/export.<slug:fmt>", export_view("evidence"), name="evidence_export"),
    path("evidence/new/<str:kind>/", ev.evidence_new, name="evidence_new"),
    path("evidence/<uuid:evidence_id>/", ev.evidence_detail, name="evidence_detail"),
    path("evidence/<uuid:evidence_id>/edit/", ev.evidence_edit, name="evidence_edit"),
    path("evidence/<uuid:evidence_id>/delete/", ev.evidence_delete, name="evidence_delete"),
    path("evidence/<uuid:evidence_id>/download/", ev.evidence_download, name="evidence_download"),
    path("evidence-requests/", rq.request_list, name="evidence_requests"),
    path("evidence-requests/mine/", rq.my_requests, name="evidence_requests_mine"),
    path("evidence-requests/new/", rq.request_new, name="evidence_request_new"),
    path(
        "evidence-requests/<uuid:request_id>/fulfil/",
        rq.request_fulfil,
        name="evidence_request_fulfil",
    ),  # fmt: skip
    path(
        "evidence-requests/<uuid:request_id>/cancel/",
        rq.request_cancel,
        name="evidence_request_cancel",
    ),  # fmt: skip
]
