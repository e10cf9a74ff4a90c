"""Isolation samples of document control (see test_isolation): a document, a published version
with a file, and an acknowledgement request, all in organisation B."""

from __future__ import annotations

from django.core.files.base import ContentFile

from openisms.core.context import acting_as
from openisms.core.permissions import Role

# Request bodies of the workflow routes need nothing beyond what test_isolation sends.
API_BODY: dict[str, str] = {}


def b_objects(org_b, owner) -> dict[str, str]:
    from django.contrib.auth import get_user_model

    from openisms.documents.models import Acknowledgement
    from openisms.documents.services import acknowledgements, documents, files, versions
    from openisms.people.models import Person

    approver = get_user_model().objects.get(username="b-approver")
    with acting_as(owner):
        document = documents.create_document(
            # Linked to B's A.5.1: A's control page, SoA and exports must never list it.
            {"title": "B secret policy", "content": "B secret text", "controls": ["A.5.1"]},
            user=owner,
        )
        version = document.latest_version
        files.attach_file(version, ContentFile(b"%PDF-1.4\n%%EOF\n", name="b-secret.pdf"))
        versions.submit(version, user=owner)
    with acting_as(approver):
        versions.approve(version, user=approver, role=Role.APPROVER)
    with acting_as(owner):
        versions.publish(version, user=owner)
        # The owner's person (made when the document named them owner), renamed to be found.
        person = Person.objects.get(user=owner)
        person.full_name = "B secret person"
        person.save()
        acknowledgements.request_acknowledgements(version, [person], user=owner)
    ack = Acknowledgement.objects.get(version=version, person=person)
    return {
        "document_id": str(document.pk),
        "version_id": str(version.pk),
        "acknowledgement_id": str(ack.pk),
    }
