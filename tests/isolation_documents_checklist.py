"""Isolation samples of the mandatory documented information checklist (see test_isolation)."""

from __future__ import annotations

import uuid

from openisms.core.models.sequence import next_ref
from openisms.documents.checklist import link_document
from openisms.documents.models import Document
from tests.conftest import person_of

SAMPLES = {"item_key": "scope"}
# Not a real key: every real one is on A's checklist page, where the isolation test looks for
# the values returned here; the routes answer 404 for another organisation before the key.
B_ITEM_KEY = "b_item_key_sample"
# Ninja validates the link body before the organisation is resolved: any well-formed id.
API_BODY = {"document_id": str(uuid.UUID(int=1))}


def b_objects(org_b, owner) -> dict[str, str]:
    document = Document.objects.create(
        organisation=org_b, ref=next_ref(org_b, "DOC"), title="B secret checklist document",
        kind="record", owner=person_of(owner),
    )  # fmt: skip
    link_document("scope", document)
    return {"document_id": str(document.pk), "item_key": B_ITEM_KEY}
