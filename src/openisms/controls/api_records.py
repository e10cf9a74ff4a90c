"""API: controls module, records part — the control implementation records (clause 6.1.3 d–e),
their validation and progress. Same permissions as the pages: ``controls.change`` changes
anything; a contributor (``controls.implement``) only the implementation of controls they own."""

import datetime as dt
import uuid
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from openisms.api.auth import org_route
from openisms.api.common import ERRORS, PageParams, Text, page_of, paginate
from openisms.api.shared import (
    LONG,
    OWNER_IN,
    OWNER_OUT,
    JsonObject,
    by_key,
    owner_out,
    patch_data,
)
from openisms.context.models import Obligation
from openisms.controls import selectors, validation
from openisms.controls.models import Control, ImplementationStatus
from openisms.controls.services import records as svc
from openisms.controls.services.setup import ensure_controls
from openisms.documents.models import Document

router = Router()
StatusName = Literal[tuple(ImplementationStatus.values)]  # type: ignore[valid-type]
TEXT = ("exclusion_justification", "business_need", "implementation")


class ControlOut(Schema):
    id: uuid.UUID
    ref: str
    title: str
    theme: str = Field(..., description="Annex A theme; empty for own controls")
    own: bool
    maps_to: list[str] = Field(..., description="Annex A refs an own control implements")
    applicable: bool | None = Field(..., description="null: not decided yet")
    exclusion_justification: str
    business_need: str
    status: str
    owner: str | None = Field(..., description=OWNER_OUT)
    owner_id: uuid.UUID | None = Field(..., description="person id")
    target_date: dt.date | None
    implementation: str
    risks: int = Field(..., description="risks that plan the control (live)")
    obligations: int
    documents: int
    evidence: int
    valid_evidence: bool
    updated_at: dt.datetime


class ControlDetail(ControlOut):
    attributes: dict[str, list[str]]
    risk_refs: list[str]
    obligation_refs: list[str] = Field(
        ..., description="refs of the linked requirements of the register (one link, either side)"
    )
    linked_obligations: list[str] = Field(..., description="the same refs (kept for clients)")
    document_ids: list[uuid.UUID] = Field(..., description="ids of the linked documents")
    related_documents: list[str] = Field(..., description="refs of the linked documents")
    evidence_refs: list[str]


class ControlPatch(JsonObject):
    """Send only what changes. ``applicable: null`` makes the control undecided again."""

    applicable: bool | None = None
    exclusion_justification: Text | None = Field(None, max_length=LONG)
    business_need: Text | None = Field(None, max_length=LONG)
    obligations: list[Text] | None = Field(None, max_length=500, description="refs, CR-0001")
    status: StatusName | None = None
    owner: Text | None = Field(None, max_length=254, description=OWNER_IN)
    target_date: dt.date | None = None
    implementation: Text | None = Field(None, max_length=LONG)
    documents: list[uuid.UUID] | None = Field(None, max_length=500, description="document ids")
    ref: Text | None = Field(None, max_length=30, description="own controls only")
    title: Text | None = Field(None, max_length=300, description="own controls only")
    maps_to: list[Text] | None = Field(None, max_length=93, description="own controls only")


class OwnControlIn(JsonObject):
    ref: Text = Field("", max_length=30, description="empty: the next free CTRL-nnn")
    title: Text = Field(..., max_length=300)
    maps_to: list[Text] = Field(..., max_length=93, description="Annex A refs, e.g. A.8.24")
    business_need: Text = Field("", max_length=LONG)
    owner: Text | None = Field(None, max_length=254, description=OWNER_IN)


class ControlFilters(PageParams):
    theme: Text = Field("", max_length=20, description="Organizational, People, ... or own")
    attribute: Text = Field(
        "", max_length=100, description="name=value, e.g. control_type=Preventive"
    )
    status: Text = Field("", max_length=20)
    owner: Text = Field("", max_length=150, description="username, or none")
    applicability: Text = Field("", max_length=10, description="yes, no or undecided")
    q: Text = Field("", max_length=100)


class FindingOut(Schema):
    rule: str
    title: str
    severity: str = Field(..., description="blocks (refuses freezing the SoA) or warns")
    blocking: bool
    control_id: uuid.UUID | None = Field(None, description="empty for SoA-wide findings")
    control_ref: str
    record: str = Field(..., description="what the finding concerns")
    message: str
    link: str = Field(..., description="page of the record; empty if the caller may not open it")


class ValidationOut(Schema):
    count: int
    by_rule: dict[str, int]
    findings: list[FindingOut]


class ProgressOut(Schema):
    total: int
    annex_total: int
    annex_decided: int
    decided: int
    applicable: int
    implemented: int
    by_status: dict[str, int]
    by_theme: dict[str, dict[str, int]]


def _out(c: Control) -> dict[str, Any]:
    return {
        "id": c.pk,
        "ref": c.ref,
        "title": c.title,
        "theme": c.requirement.theme if c.requirement else "",
        "own": c.is_own,
        "maps_to": [r.ref for r in c.maps_to.all()],
        "applicable": c.applicable,
        "exclusion_justification": c.exclusion_justification,
        "business_need": c.business_need,
        "status": c.status,
        **owner_out(c, "owner"),
        "target_date": c.target_date,
        "implementation": c.implementation,
        "risks": c.n_risks,
        "obligations": c.n_obligations,
        "documents": c.n_documents,
        "evidence": c.n_evidence,
        "valid_evidence": c.has_valid_evidence,
        "updated_at": c.updated_at,
    }


def _detail(control_id: Any) -> dict[str, Any]:
    try:
        c = selectors.control_detail(control_id)
    except Control.DoesNotExist:
        raise Http404("No such control.") from None
    return {
        **_out(c),
        "attributes": (c.requirement.attributes or {}) if c.requirement else {},
        "risk_refs": [r.ref for r in selectors.risks_for(c)],
        **_links(c),
        "evidence_refs": [e.ref for e in selectors.evidence_for(c)],
    }


def _links(c: Control) -> dict[str, Any]:
    obligations = [o.ref for o in selectors.obligations_for(c)]
    documents = list(selectors.documents_for(c))
    return {
        "obligation_refs": obligations,
        "linked_obligations": obligations,
        "document_ids": sorted((d.pk for d in documents), key=str),
        "related_documents": [d.ref for d in documents],
    }


def _resolve(data: dict[str, Any]) -> dict[str, Any]:
    if "obligations" in data:
        data["obligations"] = by_key(Obligation, "obligations", data["obligations"] or [])
    if "documents" in data:
        ids = list(dict.fromkeys(data["documents"] or []))
        found = {d.pk: d for d in Document.objects.filter(pk__in=ids)}
        unknown = [str(i) for i in ids if i not in found]
        if unknown:
            raise ValidationError({"documents": f"Unknown documents: {', '.join(unknown)}."})
        data["documents"] = [found[i] for i in ids]
    return data


def _user(request: HttpRequest) -> Any:
    return request.org_access.membership.user


@router.get(
    "/controls",
    response={200: page_of(ControlOut), **ERRORS},
    summary="Annex A and own controls with their decision, implementation and live counts",
)
@org_route("records.view")
def list_controls(request: HttpRequest, filters: Query[ControlFilters]):
    ensure_controls()
    wanted = filters.model_dump(exclude={"limit", "offset"})
    qs = selectors.control_rows(wanted).prefetch_related("maps_to")
    result = paginate(qs, filters)
    result["items"] = [_out(c) for c in result["items"]]
    return result


@router.get("/controls/validation", response={200: ValidationOut, **ERRORS})
@org_route("records.view")
def control_validation(request: HttpRequest):
    ensure_controls()
    items = validation.for_role(validation.findings(), request.org_access)
    return {
        "count": len(items),
        "by_rule": {g["rule"]: g["count"] for g in validation.grouped(items)},
        "findings": [
            {
                "rule": f.rule,
                "title": f.title,
                "severity": f.severity,
                "blocking": f.blocking,
                "control_id": f.control_id,
                "control_ref": f.control_ref,
                "record": f.record,
                "message": f.message,
                "link": f.link,
            }
            for f in items
        ],  # fmt: skip
    }


@router.get("/controls/progress", response={200: ProgressOut, **ERRORS})
@org_route("records.view")
def control_progress(request: HttpRequest):
    ensure_controls()
    return selectors.progress()


@router.get("/controls/mine", response={200: page_of(ControlOut), **ERRORS})
@org_route("records.view")
def my_controls(request: HttpRequest, page: Query[PageParams]):
    qs = selectors.my_controls(_user(request)).prefetch_related("maps_to")
    result = paginate(qs, page)
    result["items"] = [_out(c) for c in result["items"]]
    return result


@router.post("/controls", response={201: ControlDetail, **ERRORS}, summary="Add an own control")
@org_route("controls.change")
def create_control(request: HttpRequest, payload: OwnControlIn):
    data = _resolve(payload.model_dump())
    if data.get("owner") is None:
        data.pop("owner", None)
    control = svc.create_own_control(data, user=_user(request), role=request.org_access.role)
    return Status(201, _detail(control.pk))


@router.get("/controls/{control_id}", response={200: ControlDetail, **ERRORS})
@org_route("records.view")
def get_control(request: HttpRequest, control_id: uuid.UUID):
    return _detail(control_id)


@router.patch("/controls/{control_id}", response={200: ControlDetail, **ERRORS})
@org_route("controls.implement")
def change_control(request: HttpRequest, control_id: uuid.UUID, payload: ControlPatch):
    control = get_object_or_404(Control, pk=control_id)
    data = patch_data(payload, TEXT)
    if data.get("status", "") is None:
        data.pop("status")
    own = {k: data.pop(k) for k in ("ref", "title", "maps_to") if k in data}
    role = request.org_access.role
    if own:
        svc.update_own_control(control, {**own, **_resolve(data)}, user=_user(request), role=role)
    else:
        svc.update_control(control, _resolve(data), user=_user(request), role=role)
    return _detail(control.pk)


@router.delete("/controls/{control_id}", response={204: None, **ERRORS})
@org_route("controls.change")
def delete_control(request: HttpRequest, control_id: uuid.UUID):
    control = get_object_or_404(Control, pk=control_id)
    svc.delete_own_control(control, role=request.org_access.role)
    return Status(204, None)
