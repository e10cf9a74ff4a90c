"""Pages of the Statement of Applicability under /o/<slug>/controls/soa/."""

from django.urls import path

from openisms.controls.views import soa

urlpatterns: list = [
    path("soa/", soa.soa, name="soa"),
    path("soa/freeze/", soa.soa_freeze, name="soa_freeze"),
    path("soa/diff/", soa.soa_diff, name="soa_diff"),
    path("soa/export.<slug:fmt>", soa.soa_export, name="soa_export"),
    path("soa/<uuid:version_id>/", soa.soa_version, name="soa_version"),
    path("soa/<uuid:version_id>/decide/", soa.soa_decide, name="soa_decide"),
]
