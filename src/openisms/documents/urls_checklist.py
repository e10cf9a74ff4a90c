"""Pages of the mandatory documented information checklist."""

from django.urls import path

from openisms.documents.views import checklist

urlpatterns = [
    path("checklist/", checklist.checklist_page, name="checklist"),
    path("checklist/<slug:item_key>/link/", checklist.checklist_link, name="checklist_link"),
    path(
        "checklist/<slug:item_key>/unlink/<uuid:document_id>/",
        checklist.checklist_unlink,
        name="checklist_unlink",
    ),
]
