"""API: evidence (files, links, notes) and evidence requests, with the same permissions as the
pages. Files are uploaded as multipart (``POST /evidence/upload``) and downloaded as binary
attachments; links and notes are JSON (``POST /evidence``)."""

import datetime as dt
import uuid
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile

from openisms.api.auth import acting_user, org_route
from openisms.api.common import ERRORS, PageParams, Text, page_of, paginate
from openisms.api.shared import (
    LONG,
    OWNER_IN,
    OWNER_OUT,
    SHORT,
    JsonObject,
    owner_out,
    patch_data,
    username,
)
from openisms.controls.models import Control, Evidence, EvidenceRequest
from openisms.controls.services import evidence as svc
from openisms.controls.services import requests as req_svc
from openisms.controls.services.setup import ensure_controls
from openisms.controls.views.evidence import file_response
from openisms.risk.models import Risk

router = Router()
TEXT = ("description", "note")
Refs = list[Text]


class EvidenceOut(Schema):
    id: uuid.UUID
    ref: str
    kind: str
    title: str
    description: str
    owner: str | None = Field(..., description=OWNER_OUT)
    owner_id: uuid.UUID | None = Field(..., description="person id")
    collected_on: dt.date
    valid_until: dt.date | None
    expired: bool
    url: str = Field(..., description="links only")
    note: str = Field(..., description="notes only")
    file_name: str = Field(..., description="the uploader's file name (display only)")
    file_type: str = Field(..., description="MIME type found from the content")
    file_size: int | None
    file_sha256: str
    controls: list[str] = Field(..., description="refs of the controls it supports")
    risks: list[str] = Field(..., description="refs of the risks it relates to")
    created_at: dt.datetime


class EvidenceIn(JsonObject):
    """A link (``url``) or a note (``note``); files go to ``POST /evidence/upload``."""

    kind: Literal["link", "note"] = Field("note", description="link or note")
    title: Text = Field(..., max_length=SHORT)
    description: Text = Field("", max_length=LONG)
    url: Text = Field("", max_length=1000, description="http(s) address, for links")
    note: Text = Field("", max_length=LONG, description="the text, for notes")
    owner: Text | None = Field(None, max_length=254, description=OWNER_IN)
    collected_on: dt.date | None = None
    valid_until: dt.date | None = None
    controls: Refs = Field([], max_length=500, description="control refs, e.g. A.5.15")
    risks: Refs = Field([], max_length=500, description="risk refs, e.g. R-0001")


class EvidencePatch(JsonObject):
    """Send only what changes; the kind and a file's content never change."""

    title: Text | None = Field(None, max_length=SHORT)
    description: Text | None = Field(None, max_length=LONG)
    url: Text | None = Field(None, max_length=1000)
    note: Text | None = Field(None, max_length=LONG)
    owner: Text | None = Field(None, max_length=254, description=OWNER_IN)
    collected_on: dt.date | None = None
    valid_until: dt.date | None = None
    controls: Refs | None = Field(None, max_length=500)
    risks: Refs | None = Field(None, max_length=500)


class UploadFields(Schema):
    # All optional so that ninja does not answer before the organisation check; the service
    # says what is missing.
    title: Text = Field("", max_length=SHORT)
    description: Text = Field("", max_length=LONG)
    owner: Text = Field("", max_length=150, description="username; default: you")
    collected_on: dt.date | None = None
    valid_until: dt.date | None = None
    controls: Text = Field("", max_length=5000, description="control refs, comma-separated")
    risks: Text = Field("", max_length=5000, description="risk refs, comma-separated")


class EvidenceFilters(PageParams):
    kind: Literal["", "file", "link", "note"] = ""
    control: Text = Field("", max_length=30, description="control ref")
    owner: Text = Field("", max_length=150, description="username")
    validity: Literal["", "valid", "expiring", "expired"] = ""
    q: Text = Field("", max_length=100, description="words in ref, title, file name, link")


class RequestOut(Schema):
    id: uuid.UUID
    control: str = Field(..., description="control ref")
    requested_from: str = Field(..., description=OWNER_OUT)
    requested_from_id: uuid.UUID = Field(..., description="person id")
    requested_by: str | None
    description: str
    due_on: dt.date
    status: str
    overdue: bool
    evidence: str | None = Field(..., description="ref of the evidence that fulfilled it")
    created_at: dt.datetime
    closed_at: dt.datetime | None


class RequestIn(JsonObject):
    control: Text = Field(..., max_length=30, description="control ref, e.g. A.5.15")
    requested_from: Text | None = Field(
        None, max_length=254, description=OWNER_IN + "; default: the control's owner"
    )
    due_on: dt.date
    description: Text = Field("", max_length=LONG)


class RequestFilters(PageParams):
    show: Literal["open", "overdue", "mine", "closed", "all"] = "open"


class FulfilIn(JsonObject):
    evidence: Text = Field(..., max_length=40, description="ref (EV-0001) or id of the evidence")


def _rows() -> Any:
    refs = Prefetch("controls", queryset=Control.unscoped.live().only("id", "ref"))
    risks = Prefetch("risks", queryset=Risk.unscoped.live().only("id", "ref"))
    return Evidence.objects.select_related("owner").prefetch_related(refs, risks)


def _out(e: Evidence) -> dict[str, Any]:
    return {
        "id": e.pk, "ref": e.ref, "kind": e.kind, "title": e.title,
        "description": e.description, **owner_out(e, "owner"),
        "collected_on": e.collected_on, "valid_until": e.valid_until, "expired": e.is_expired,
        "url": e.url, "note": e.note, "file_name": e.file_name, "file_type": e.file_type,
        "file_size": e.file_size, "file_sha256": e.file_sha256,
        "controls": sorted(c.ref for c in e.controls.all()),
        "risks": sorted(r.ref for r in e.risks.all()), "created_at": e.created_at,
    }  # fmt: skip


def _detail(evidence_id: uuid.UUID) -> dict[str, Any]:
    return _out(get_object_or_404(_rows(), pk=evidence_id))


def _resolve(data: dict[str, Any]) -> dict[str, Any]:
    for name in ("controls", "risks"):
        if name in data and data[name] is None:
            data[name] = []
    return data


def _req_out(r: EvidenceRequest) -> dict[str, Any]:
    return {
        "id": r.pk, "control": r.control.ref, **owner_out(r, "requested_from"),
        "requested_by": username(r.requested_by), "description": r.description,
        "due_on": r.due_on, "status": r.status, "overdue": r.is_overdue,
        "evidence": r.evidence.ref if r.evidence else None, "created_at": r.created_at,
        "closed_at": r.closed_at,
    }  # fmt: skip


def _request(request_id: uuid.UUID) -> EvidenceRequest:
    return get_object_or_404(
        EvidenceRequest.objects.select_related(
            "control", "requested_from", "requested_by", "evidence"
        ),
        pk=request_id,
    )


@router.get(
    "/evidence",
    response={200: page_of(EvidenceOut), **ERRORS},
    summary="Evidence, filterable by kind, control, owner, validity and text",
)
@org_route("records.view")
def list_evidence(request: HttpRequest, filters: Query[EvidenceFilters]):
    wanted = filters.model_dump(exclude={"limit", "offset"})
    qs = svc.evidence_list(wanted).prefetch_related(
        Prefetch("controls", queryset=Control.unscoped.live().only("id", "ref")),
        Prefetch("risks", queryset=Risk.unscoped.live().only("id", "ref")),
    )
    result = paginate(qs, filters)
    result["items"] = [_out(e) for e in result["items"]]
    return result


@router.post("/evidence", response={201: EvidenceOut, **ERRORS}, summary="Add a link or note")
@org_route("evidence.upload")
def create_evidence(request: HttpRequest, payload: EvidenceIn):
    ensure_controls()
    data = _resolve(payload.model_dump(exclude_unset=True) | {"kind": payload.kind})
    data.setdefault("title", payload.title)
    ev = svc.create_evidence(data, user=acting_user(request))
    return Status(201, _detail(ev.pk))


@router.post(
    "/evidence/upload",
    response={201: EvidenceOut, **ERRORS},
    summary="Upload a file as evidence (multipart)",
    description=(
        "Multipart field `file`: PDF, PNG, JPEG, DOCX, XLSX, ODT, ODS, TXT or CSV within the "
        "size limit (25 MB unless configured); its content must match its name. Other fields: "
        "`title`, `description`, `owner`, `collected_on`, `valid_until`, `controls` and `risks` "
        "(refs separated by commas)."
    ),
)
@org_route("evidence.upload")
def upload_evidence(
    request: HttpRequest, fields: Form[UploadFields], file: File[UploadedFile] = None
):
    ensure_controls()
    if file is None:
        raise ValidationError({"file": "Send the file in the multipart field “file”."})
    data: dict[str, Any] = {
        "kind": "file", "title": fields.title, "description": fields.description,
        "controls": fields.controls, "risks": fields.risks, "valid_until": fields.valid_until,
    }  # fmt: skip
    if fields.owner:
        data["owner"] = fields.owner
    if fields.collected_on:
        data["collected_on"] = fields.collected_on
    ev = svc.create_evidence(data, file, user=acting_user(request))
    return Status(201, _detail(ev.pk))


@router.get("/evidence/{evidence_id}", response={200: EvidenceOut, **ERRORS})
@org_route("records.view")
def get_evidence(request: HttpRequest, evidence_id: uuid.UUID):
    return _detail(evidence_id)


@router.patch("/evidence/{evidence_id}", response={200: EvidenceOut, **ERRORS})
@org_route("evidence.upload")
def change_evidence(request: HttpRequest, evidence_id: uuid.UUID, payload: EvidencePatch):
    ev = get_object_or_404(Evidence, pk=evidence_id)
    svc.update_evidence(ev, _resolve(patch_data(payload, TEXT)))
    return _detail(ev.pk)


@router.delete("/evidence/{evidence_id}", response={204: None, **ERRORS})
@org_route("records.delete")
def delete_evidence(request: HttpRequest, evidence_id: uuid.UUID):
    svc.delete_evidence(get_object_or_404(Evidence, pk=evidence_id))
    return Status(204, None)


@router.get(
    "/evidence/{evidence_id}/download",
    response={200: None, **ERRORS},
    summary="Download an evidence file",
    description="Needs `evidence.download` (not viewers). An attachment, typed by its content.",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The file, as an attachment, with the type found at upload",
                "headers": {
                    "Content-Disposition": {
                        "description": 'attachment; filename="report.pdf" (RFC 5987 '
                        "filename* when not ASCII)",
                        "schema": {"type": "string"},
                    }
                },
                "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
@org_route("records.view")
def download_evidence(request: HttpRequest, evidence_id: uuid.UUID):
    ev = get_object_or_404(Evidence, pk=evidence_id)
    request.org_access.require("evidence.download")
    return file_response(ev)


@router.get(
    "/evidence-requests",
    response={200: page_of(RequestOut), **ERRORS},
    summary="Evidence requests: open (default), overdue, mine, closed or all",
)
@org_route("records.view")
def list_requests(request: HttpRequest, filters: Query[RequestFilters]):
    result = paginate(req_svc.request_list(filters.show, acting_user(request)), filters)
    result["items"] = [_req_out(r) for r in result["items"]]
    return result


@router.post("/evidence-requests", response={201: RequestOut, **ERRORS})
@org_route("evidence.request")
def create_request(request: HttpRequest, payload: RequestIn):
    ensure_controls()
    control = Control.objects.filter(ref=payload.control).first()
    if control is None:
        raise ValidationError({"control": f"No control {payload.control} in this organisation."})
    req = req_svc.create_request(
        {
            "control": control,
            "requested_from": payload.requested_from,
            "due_on": payload.due_on,
            "description": payload.description,
        },
        user=acting_user(request),
    )
    return Status(201, _req_out(_request(req.pk)))


@router.post("/evidence-requests/{request_id}/fulfil", response={200: RequestOut, **ERRORS})
@org_route("evidence.upload")
def fulfil_request(request: HttpRequest, request_id: uuid.UUID, payload: FulfilIn):
    req = _request(request_id)
    key = payload.evidence.strip()
    ev = Evidence.objects.filter(ref__iexact=key).first()
    if ev is None and svc._uuid(key):
        ev = Evidence.objects.filter(pk=svc._uuid(key)).first()
    if ev is None:
        raise ValidationError({"evidence": "No evidence with this reference in this organisation."})
    req_svc.fulfil_request(
        req, ev, user=acting_user(request),
        is_manager=request.org_access.can("evidence.request"),
    )  # fmt: skip
    return _req_out(_request(request_id))


@router.post("/evidence-requests/{request_id}/cancel", response={200: RequestOut, **ERRORS})
@org_route("evidence.request")
def cancel_request(request: HttpRequest, request_id: uuid.UUID):
    req_svc.cancel_request(_request(request_id))
    return _req_out(_request(request_id))
