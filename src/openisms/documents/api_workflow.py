"""API: document control — the register, documents with their versions, control data.

Versions and transitions are in ``api_workflow_versions``, acknowledgements in
``api_workflow_acks``; all three hang under /api/v1/documents/.
"""

import datetime as dt
import functools
import uuid
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import register_converter
from ninja import Field, Query, Router, Schema, Status
from pydantic import StrictInt

from openisms.api.auth import acting_user, org_route
from openisms.api.common import ERRORS, PageParams, Text, page_of, paginate
from openisms.api.shared import (
    OWNER_IN,
    OWNER_OUT,
    SHORT,
    JsonObject,
    member,
    one_by_key,
    owner_out,
    patch_data,
    username,
)
from openisms.controls.links import MAX_LINKS
from openisms.documents import api_workflow_acks, api_workflow_versions, policy_templates, selectors
from openisms.documents.api_workflow_versions import VersionOut, version_out
from openisms.documents.models import Document, DocumentKind, DocumentStatus
from openisms.documents.services import documents as svc

router = Router()
PREFIX_NAME = "documents"


@functools.cache
def _literal_segments() -> frozenset[str]:
    """First path segments of the other routes under /api/v1/documents/ (``templates``,
    ``checklist``, ``register.xlsx``, …), read from the API itself once."""
    from openisms.api import api

    found: set[str] = set()
    for path in api.get_openapi_schema()["paths"]:
        parts = path.strip("/").split("/")
        if PREFIX_NAME in parts[:-1]:
            first = parts[parts.index(PREFIX_NAME) + 1]
            if "{" not in first:
                found.add(first)
    return frozenset(found)


class DocumentIdConverter:
    """The ``<id>`` of /api/v1/documents/<id>: any segment but the literal routes beside it.

    Those (e.g. the checklist's) are registered after this app's routes and must still reach
    their views; a malformed id, on the other hand, reaches the route and gets the API's JSON
    422 rather than Django's HTML 404 that a ``uuid`` converter would give.
    """

    regex = "[^/]+"

    def to_python(self, value: str) -> str:
        if value in _literal_segments():
            raise ValueError(value)
        return value

    def to_url(self, value: Any) -> str:
        return str(value)


register_converter(DocumentIdConverter, "documentid")
# Plain text checked by the service (400 with the choices), so a body shared with other
# routes (the isolation test's) is never refused for a field it does not concern.
KINDS = f"one of: {', '.join(DocumentKind.values)}"
CONTENT_MAX = 500_000


class DocumentOut(Schema):
    id: uuid.UUID
    ref: str
    title: str
    kind: str
    status: str = Field(..., description="the newest version's status, or retired")
    owner: str = Field(..., description=OWNER_OUT)
    owner_id: uuid.UUID = Field(..., description="person id")
    reviewer: str | None = Field(..., description=OWNER_OUT)
    reviewer_id: uuid.UUID | None = Field(..., description="person id")
    approver: str | None = Field(..., description="designated approver; null: any approver")
    classification: str | None = Field(..., description="classification level name")
    review_months: int
    next_review: dt.date | None
    review_overdue: bool
    latest_version: int | None = Field(..., description="number of the newest version")
    published_version: int | None = Field(..., description="number of the version in force")
    published_version_id: uuid.UUID | None
    template_key: str
    created_at: dt.datetime
    updated_at: dt.datetime
    retired_at: dt.datetime | None


class DocumentDetail(DocumentOut):
    controls: list[str] = Field(
        ..., description="refs of the controls it supports: Annex A (A.5.1) or own (CTRL-001)"
    )
    distribution: list[uuid.UUID] = Field(..., description="ids of people in the register")
    versions: list[VersionOut] = Field(..., description="newest first")


class DocumentIn(JsonObject):
    title: Text | None = Field(None, max_length=SHORT, description="default: the template's")
    template: Text | None = Field(
        None, max_length=50, description="key of a policy template (GET /documents/templates)"
    )
    kind: Text | None = Field(None, max_length=15, description=KINDS)
    owner: Text | None = Field(None, max_length=254, description=OWNER_IN)
    reviewer: Text | None = Field(None, max_length=254, description=OWNER_IN)
    approver: Text | None = Field(None, max_length=150, description="designated approver")
    classification: Text | None = Field(None, max_length=60, description="level name")
    review_months: StrictInt | None = Field(None, ge=1, le=60)
    controls: list[Text] | None = Field(
        None, max_length=MAX_LINKS, description="control refs: Annex A (A.5.1) or own (CTRL-001)"
    )
    distribution: list[uuid.UUID] | None = Field(None, max_length=10_000)
    content: Text | None = Field(None, max_length=CONTENT_MAX, description="Markdown of v1")
    change_summary: Text | None = Field(None, max_length=300)


class DocumentPatch(JsonObject):
    """Send only what changes; ``null`` clears the reviewer, approver or classification."""

    title: Text | None = Field(None, max_length=SHORT)
    kind: Text | None = Field(None, max_length=15, description=KINDS)
    owner: Text | None = Field(None, max_length=254, description=OWNER_IN)
    reviewer: Text | None = Field(None, max_length=254, description=OWNER_IN)
    approver: Text | None = Field(None, max_length=150)
    classification: Text | None = Field(None, max_length=60)
    review_months: StrictInt | None = Field(None, ge=1, le=60)
    controls: list[Text] | None = Field(None, max_length=MAX_LINKS)
    distribution: list[uuid.UUID] | None = Field(None, max_length=10_000)


class DocumentFilters(PageParams):
    kind: Text = Field("", max_length=15, description=KINDS)
    status: Text = Field(
        "", max_length=10, description=f"one of: {', '.join(DocumentStatus.values)}"
    )
    owner: Text = Field("", max_length=150, description="username")
    overdue: bool = Field(False, description="only documents whose review is overdue")
    q: Text = Field("", max_length=100, description="words in the title, or a ref")


class TemplateOut(Schema):
    key: str
    title: str
    kind: str
    summary: str
    controls: list[str]
    review_months: int


class Reviewed(JsonObject):
    note: Text = Field("", max_length=2000)


def document_out(d: Document) -> dict[str, Any]:
    """Needs owner, reviewer, approver, classification, latest/published version selected."""
    return {
        "id": d.pk,
        "ref": d.ref,
        "title": d.title,
        "kind": d.kind,
        "status": d.status,
        **owner_out(d, "owner"),
        **owner_out(d, "reviewer"),
        "approver": username(d.approver),
        "classification": d.classification.name if d.classification_id else None,
        "review_months": d.review_months,
        "next_review": d.next_review,
        "review_overdue": selectors.is_overdue(d),
        "latest_version": d.latest_version.number if d.latest_version_id else None,
        "published_version": d.published_version.number if d.published_version_id else None,
        "published_version_id": d.published_version_id,
        "template_key": d.template_key,
        "created_at": d.created_at,
        "updated_at": d.updated_at,
        "retired_at": d.retired_at,
    }


RELATED = (
    "owner", "reviewer", "approver", "classification", "latest_version", "published_version",
)  # fmt: skip


def detail_out(document_id: Any) -> dict[str, Any]:
    d = get_object_or_404(Document.objects.select_related(*RELATED), pk=document_id)
    return {
        **document_out(d),
        "controls": [c.ref for c in d.controls.order_by("order", "ref")],
        "distribution": [p.pk for p in d.distribution.order_by("full_name")],
        "versions": [version_out(v, d) for v in selectors.versions(d)],
    }


def _resolve(data: dict[str, Any]) -> dict[str, Any]:
    from openisms.risk.models import ClassificationLevel

    if "approver" in data:  # a sign-off: a login (owner and reviewer are people, resolved
        data["approver"] = member(data["approver"], "approver")  # by the service)
    if "classification" in data:
        data["classification"] = one_by_key(
            ClassificationLevel, "classification", data["classification"], key="name"
        )
    return data


@router.get(
    "",
    response={200: page_of(DocumentOut), **ERRORS},
    summary="The document register, filterable by kind, status, owner, overdue review, text",
)
@org_route("records.view")
def list_documents(request: HttpRequest, filters: Query[DocumentFilters]):
    wanted = filters.model_dump(exclude={"limit", "offset"})
    wanted["overdue"] = "1" if wanted["overdue"] else ""
    qs = selectors.register(wanted).select_related("reviewer", "approver", "classification")
    result = paginate(qs, filters)
    result["items"] = [document_out(d) for d in result["items"]]
    return result


@router.get("/templates", response={200: list[TemplateOut], **ERRORS})
@org_route("records.view")
def list_templates(request: HttpRequest):
    """The policy templates a document can start from (``template`` when creating one)."""
    return [
        {
            "key": t.key,
            "title": t.title,
            "kind": t.kind,
            "summary": t.summary,
            "controls": list(t.controls),
            "review_months": t.review_months,
        }  # fmt: skip
        for t in policy_templates.all_templates()
    ]


@router.post("", response={201: DocumentDetail, **ERRORS})
@org_route("documents.create")
def create_document(request: HttpRequest, payload: DocumentIn):
    """A new document with its draft v1: blank (``title`` required) or from a ``template``."""
    user = acting_user(request)
    data = {k: v for k, v in payload.model_dump().items() if v is not None}
    key = data.pop("template", None)
    data = _resolve(data)
    if key:
        owner = data.pop("owner", None) or user
        document = svc.create_from_template(key, owner, user=user, data=data)
    else:
        data.setdefault("owner", user)
        document = svc.create_document(data, user=user)
    return Status(201, detail_out(document.pk))


@router.get("/{documentid:document_id}", response={200: DocumentDetail, **ERRORS})
@org_route("records.view")
def get_document(request: HttpRequest, document_id: uuid.UUID):
    return detail_out(document_id)


@router.patch("/{documentid:document_id}", response={200: DocumentDetail, **ERRORS})
@org_route("documents.change")
def change_document(request: HttpRequest, document_id: uuid.UUID, payload: DocumentPatch):
    document = get_object_or_404(Document.objects.select_related("latest_version"), pk=document_id)
    data = patch_data(payload)
    if data.get("distribution") is None and "distribution" in data:
        data["distribution"] = []
    if data.get("controls") is None and "controls" in data:
        data["controls"] = []
    for required in ("title", "kind", "owner", "review_months"):
        if required in data and data[required] is None:
            data.pop(required)
    svc.update_document(document, _resolve(data))
    return detail_out(document.pk)


@router.post("/{document_id}/reviewed", response={200: DocumentDetail, **ERRORS})
@org_route("documents.change")
def mark_reviewed(request: HttpRequest, document_id: uuid.UUID, payload: Reviewed):
    """The periodic review found nothing to change: the next review moves one cycle on."""
    document = get_object_or_404(
        Document.objects.select_related("published_version"), pk=document_id
    )
    svc.mark_reviewed(
        document, user=acting_user(request), role=request.org_access.role, note=payload.note
    )
    return detail_out(document.pk)


@router.post("/{document_id}/retire", response={200: DocumentDetail, **ERRORS})
@org_route("documents.publish")
def retire_document(request: HttpRequest, document_id: uuid.UUID):
    svc.retire(get_object_or_404(Document, pk=document_id))
    return detail_out(document_id)


for part in (api_workflow_versions, api_workflow_acks):
    router.add_router("", part.router)
