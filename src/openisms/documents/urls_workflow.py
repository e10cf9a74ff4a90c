from django.urls import path

from openisms.documents.views import acknowledgements as acks
from openisms.documents.views import workflow as docs
from openisms.documents.views import workflow_versions as versions

urlpatterns = [
    path("", docs.register, name="register"),
    path("new/", docs.create, name="create"),
    path("new/from-template/", docs.create_from_template, name="create_from_template"),
    path("<uuid:document_id>/", docs.detail, name="detail"),
    path("<uuid:document_id>/edit/", docs.edit, name="edit"),
    path("<uuid:document_id>/new-version/", versions.new_version, name="new_version"),
    path("<uuid:document_id>/reviewed/", docs.reviewed, name="reviewed"),
    path("<uuid:document_id>/retire/", docs.retire, name="retire"),
    path("versions/<uuid:version_id>/", versions.version_detail, name="version"),
    path("versions/<uuid:version_id>/edit/", versions.version_edit, name="version_edit"),
    path("versions/<uuid:version_id>/submit/", versions.submit, name="submit"),
    path("versions/<uuid:version_id>/approve/", versions.approve, name="approve"),
    path("versions/<uuid:version_id>/reject/", versions.reject, name="reject"),
    path("versions/<uuid:version_id>/publish/", versions.publish, name="publish"),
    path("versions/<uuid:version_id>/file/", versions.download, name="download"),
    path(
        "versions/<uuid:version_id>/acknowledgements/",
        acks.version_acknowledgements,
        name="acknowledgements",
    ),
    path("read/", acks.to_read, name="to_read"),
    path("read/<uuid:acknowledgement_id>/", acks.read, name="read"),
    path(
        "acknowledgements/<uuid:acknowledgement_id>/acknowledge/",
        acks.acknowledge,
        name="acknowledge",
    ),
]
