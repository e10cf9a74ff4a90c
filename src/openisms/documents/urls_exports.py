"""Download pages of document control: DOCX/PDF of a version, the register as XLSX."""

from django.urls import path

from openisms.documents.views import exports

urlpatterns = [
    path("register.xlsx", exports.export_register, name="export_register"),
    path("<uuid:document_id>/export.<str:fmt>", exports.export_document, name="export_document"),
]
