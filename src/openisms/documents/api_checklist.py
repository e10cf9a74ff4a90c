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
    url: str | None = Field(..., description="the document's page")
    detail: str


class ChecklistItemOut(Schema):
    key: str
    clause: str
    title: str
    status: StatusName = Field(
        ...,
        description="approved (signed in its current form, review not overdue) | recorded (the "
        "record exists; the standard asks for no approval) | overdue (review overdue) | draft "
        "(exists, not approved) | missing",
    )
    status_label: str = Field(..., description="the status in words, as the page shows it")
    in_place: bool = Field(..., description="approved or recorded")
    reference: str = Field(..., description="the record that satisfies the item best, if any")
    url: str | None = Field(..., description="its page, when there is one")
    detail: str
    todo: str = Field(..., description="what to do while the item is not in place")
    todo_url: str | None = Field(
        ...,
        description="the page to do it on: the record to fix (e.g. the document whose review is "
        "overdue) or, while the record is missing, the page to create it",
    )
    links: list[LinkedDocumentOut]


class ChecklistSummary(Schema):
    total: int
    in_place: int = Field(..., description="approved + recorded")
    approved: int
    recorded: int
    overdue: int
    draft: int
    missing: int
    complete: bool = Field(..., description="every item is in place")


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
        "status_label": r.status_label,
        "in_place": r.in_place,
        "reference": r.reference,
        "url": r.url,
        "detail": r.detail,
        "todo": r.todo,
        "todo_url": r.todo_url,
        "links": [
            {
                "id": ld.document_id,
                "ref": ld.ref,
                "title": ld.title,
                "status": ld.evidence.status,
                "reference": ld.evidence.reference,
                "url": ld.evidence.url,
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
