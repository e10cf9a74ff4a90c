"""API: the mandatory documented information checklist, and linking documents to its items."""

import uuid
from typing import Annotated, Any, Literal

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Path, Router, Schema, Status

from openisms.api.auth import org_route
from openisms.api.common import ERRORS
from openisms.api.shared import JsonObject
from openisms.documents import checklist
from openisms.documents.models import Document

router = Router()
# A plain string, not an enum: an unknown key is a 404 like any record another organisation
# might have, answered after the organisation check.
ItemKey = Annotated[
    str,
    Path(
        max_length=40,
        description="one of: " + ", ".join(i.key for i in checklist.ITEMS),
    ),
]
StatusName = Literal[checklist.STATUSES]  # type: ignore[valid-type]


class LinkedDocumentOut(Schema):
    id: uuid.UUID
    ref: str
    title: str
    status: StatusName
    reference: str = Field(..., description="e.g. DOC-0003 v2 (the version that counts)")
    detail: str


class ChecklistItemOut(Schema):
    key: str
    clause: str
    title: str
    status: StatusName = Field(
        ..., description="missing | draft | approved (and current) | review overdue"
    )
    reference: str = Field(..., description="the record that satisfies the item best, if any")
    url: str | None = Field(..., description="its page, when there is one")
    detail: str
    todo: str = Field(..., description="what to do while the item is not approved and current")
    links: list[LinkedDocumentOut]


class ChecklistSummary(Schema):
    total: int
    approved: int
    review_overdue: int
    draft: int
    missing: int
    complete: bool


class ChecklistOut(Schema):
    summary: ChecklistSummary
    items: list[ChecklistItemOut]


class LinkIn(JsonObject):
    document_id: uuid.UUID = Field(..., description="a document of the organisation")


def _item_out(r: checklist.ItemResult) -> dict[str, Any]:
    return {
        "key": r.key,
        "clause": r.clause,
        "title": r.title,
        "status": r.status,
        "reference": r.reference,
        "url": r.url,
        "detail": r.detail,
        "todo": "" if r.in_place else r.todo,
        "links": [
            {
                "id": ld.document_id,
                "ref": ld.ref,
                "title": ld.title,
                "status": ld.evidence.status,
                "reference": ld.evidence.reference,
                "detail": ld.evidence.detail,
            }
            for ld in r.links
        ],
    }


def _item_key(item_key: str) -> str:
    if checklist.get_item(item_key) is None:
        raise Http404("No such checklist item.")
    return item_key


def _one(item_key: str) -> dict[str, Any]:
    return _item_out(next(r for r in checklist.evaluate() if r.key == item_key))


@router.get(
    "/checklist",
    response={200: ChecklistOut, **ERRORS},
    summary="Mandatory documented information: each item with its status and satisfying record",
)
@org_route("records.view")
def get_checklist(request: HttpRequest):
    results = checklist.evaluate()
    return {"summary": checklist.summary(results), "items": [_item_out(r) for r in results]}


@router.post(
    "/checklist/{item_key}/links",
    response={200: ChecklistItemOut, 201: ChecklistItemOut, **ERRORS},
    summary="Count a document towards an item (201; 200 if it was linked already)",
)
@org_route("documents.change")
def link_document(request: HttpRequest, item_key: ItemKey, payload: LinkIn):
    item_key = _item_key(item_key)
    document = get_object_or_404(Document, pk=payload.document_id)
    _, created = checklist.link_document(item_key, document)
    return Status(201 if created else 200, _one(item_key))


@router.delete(
    "/checklist/{item_key}/links/{document_id}",
    response={204: None, **ERRORS},
    summary="Stop counting a document towards an item",
)
@org_route("documents.change")
def unlink_document(request: HttpRequest, item_key: ItemKey, document_id: uuid.UUID):
    item_key = _item_key(item_key)
    document = get_object_or_404(Document, pk=document_id)
    if not checklist.unlink_document(item_key, document):
        return Status(404, {"detail": "That document is not linked to this item."})
    return Status(204, None)
