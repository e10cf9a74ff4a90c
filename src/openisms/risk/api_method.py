"""API: the risk method and its approval, classification levels, threat/vulnerability libraries."""

import datetime as dt
import uuid
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from pydantic import StrictInt

from openisms.api.auth import acting_user, org_route
from openisms.api.common import ERRORS, PageParams, Text, page_of, paginate
from openisms.risk.api_common import (
    LONG,
    ApprovalState,
    JsonObject,
    MethodIn,
    MethodOut,
    method_out,
    state_out,
    username,
)
from openisms.risk.models import (
    ClassificationLevel,
    Methodology,
    MethodologyStatus,
    Threat,
    Vulnerability,
)
from openisms.risk.services import classification
from openisms.risk.services import methodology as methods
from openisms.risk.services.library import create_entry

router = Router()


class MethodVersionOut(Schema):
    version: int
    status: Literal["draft", "current", "superseded"]
    note: str
    created_by: str | None
    created_at: dt.datetime
    activated_at: dt.datetime | None
    method: MethodOut
    approval: ApprovalState


class MethodologyOut(Schema):
    current: MethodVersionOut = Field(..., description="the method in force")
    draft: MethodVersionOut | None = Field(..., description="a proposed change awaiting approval")
    risks_scored: int = Field(..., description="risks scored with the method in force")


def _version_out(m: Methodology) -> dict[str, Any]:
    return {
        "version": m.version,
        "status": m.status,
        "note": m.note,
        "created_by": username(m.created_by),
        "created_at": m.created_at,
        "activated_at": m.activated_at,
        "method": method_out(m.method),
        "approval": state_out(methods.approval_state(m)),
    }


@router.get(
    "/methodology",
    response={200: MethodologyOut, **ERRORS},
    summary="The risk method in force, its approval and the draft awaiting approval",
)
@org_route("records.view")
def get_methodology(request: HttpRequest):
    current, draft = methods.current(), methods.draft()
    return {
        "current": _version_out(current),
        "draft": _version_out(draft) if draft else None,
        "risks_scored": methods.risks_using(current),
    }


@router.get("/methodology/versions", response={200: page_of(MethodVersionOut), **ERRORS})
@org_route("records.view")
def list_methodology_versions(request: HttpRequest, page: Query[PageParams]):
    methods.current()  # an organisation created before the risk module gets its default now
    result = paginate(Methodology.objects.select_related("created_by").order_by("-version"), page)
    result["items"] = [_version_out(m) for m in result["items"]]
    return result


class MethodProposal(JsonObject):
    method: MethodIn
    note: Text = Field("", max_length=LONG, description="what changes and why")


@router.post(
    "/methodology",
    response={201: MethodVersionOut, **ERRORS},
    summary="Propose a new method version (the draft takes effect once approved)",
)
@org_route("risk.methodology.change")
def propose_methodology(request: HttpRequest, payload: MethodProposal):
    data = payload.method.model_dump()
    for level in data["levels"]:
        if level["order"] is None:
            del level["order"]  # the method numbers unordered levels by position
    draft = methods.propose(data, note=payload.note, user=acting_user(request))
    return Status(201, _version_out(draft))


class MethodDecision(JsonObject):
    decision: Literal["approve", "reject"]
    comment: Text = Field("", max_length=LONG, description="required when rejecting")


@router.post(
    "/methodology/{version}/decision",
    response={200: MethodVersionOut, **ERRORS},
    summary="Approve (puts a draft in force and re-scores every risk) or reject a method version",
)
@org_route("risk.methodology.approve")
def decide_methodology(request: HttpRequest, version: int, payload: MethodDecision):
    m = get_object_or_404(Methodology, version=version)
    if m.status == MethodologyStatus.SUPERSEDED:
        raise ValidationError(
            f"Version {version} has been superseded; only a draft or the method in force "
            "can be decided."
        )
    decide = methods.approve if payload.decision == "approve" else methods.reject
    decide(m, approver=acting_user(request), role=request.org_access.role, comment=payload.comment)
    return _version_out(Methodology.objects.select_related("created_by").get(pk=m.pk))


# --- classification levels -----------------------------------------------------------------


class ClassificationOut(Schema):
    id: uuid.UUID
    name: str
    order: int
    description: str


@router.get(
    "/classification-levels",
    response={200: page_of(ClassificationOut), **ERRORS},
    summary="The organisation's information classification scheme, lowest first",
)
@org_route("records.view")
def list_classification_levels(request: HttpRequest, page: Query[PageParams]):
    return paginate(ClassificationLevel.objects.order_by("order"), page)


class ClassificationIn(JsonObject):
    name: Text = Field(..., min_length=1, max_length=60)
    order: StrictInt | None = Field(None, ge=1, le=99)  # `true` is not an order
    description: Text = Field("", max_length=LONG)


class ClassificationPatch(JsonObject):
    name: Text | None = Field(None, min_length=1, max_length=60)
    order: StrictInt | None = Field(None, ge=1, le=99)  # `true` is not an order
    description: Text | None = Field(None, max_length=LONG)


@router.post("/classification-levels", response={201: ClassificationOut, **ERRORS})
@org_route("risk.classification.change")
def add_classification_level(request: HttpRequest, payload: ClassificationIn):
    return Status(201, classification.create_level(payload.dict(exclude_none=True)))


@router.patch("/classification-levels/{level_id}", response={200: ClassificationOut, **ERRORS})
@org_route("risk.classification.change")
def change_classification_level(
    request: HttpRequest, level_id: uuid.UUID, payload: ClassificationPatch
):
    level = get_object_or_404(ClassificationLevel, pk=level_id)
    return classification.update_level(level, payload.dict(exclude_unset=True, exclude_none=True))


@router.delete("/classification-levels/{level_id}", response={204: None, **ERRORS})
@org_route("risk.classification.change")
def delete_classification_level(request: HttpRequest, level_id: uuid.UUID):
    classification.delete_level(get_object_or_404(ClassificationLevel, pk=level_id))
    return Status(204, None)


# --- threat and vulnerability libraries ----------------------------------------------------


class LibraryEntryOut(Schema):
    id: uuid.UUID
    code: str
    name: str
    category: str
    description: str
    controls: list[str] = Field(..., description="Annex A controls that address it")
    is_custom: bool


class LibraryEntryIn(JsonObject):
    code: Text = Field(..., min_length=1, max_length=20)
    name: Text = Field(..., min_length=1, max_length=120)
    category: Text = Field(..., min_length=1, max_length=60)
    description: Text = Field("", max_length=LONG)
    controls: list[Text] = Field([], max_length=100, description="Annex A refs, e.g. A.8.7")


class LibraryFilters(PageParams):
    category: Text = Field("", max_length=60)
    q: Text = Field("", max_length=100, description="words in the code or name")


def _entries(model: type, filters: LibraryFilters) -> dict[str, Any]:
    qs = model.objects.prefetch_related("controls").order_by("code")
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.q:
        qs = qs.filter(Q(code__iexact=filters.q) | Q(name__icontains=filters.q))
    result = paginate(qs, filters)
    result["items"] = [_entry_out(e) for e in result["items"]]
    return result


def _entry_out(entry: Any) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "code": entry.code,
        "name": entry.name,
        "category": entry.category,
        "description": entry.description,
        "controls": sorted(c.ref for c in entry.controls.all()),
        "is_custom": entry.is_custom,
    }


def _add_entry(kind: str, payload: LibraryEntryIn) -> Any:
    return create_entry(kind, payload.dict())


@router.get("/threats", response={200: page_of(LibraryEntryOut), **ERRORS})
@org_route("records.view")
def list_threats(request: HttpRequest, filters: Query[LibraryFilters]):
    return _entries(Threat, filters)


@router.post(
    "/threats",
    response={201: LibraryEntryOut, **ERRORS},
    summary="Add the organisation's own threat to its library",
)
@org_route("records.create")
def add_threat(request: HttpRequest, payload: LibraryEntryIn):
    return Status(201, _entry_out(_add_entry("threats", payload)))


@router.get("/vulnerabilities", response={200: page_of(LibraryEntryOut), **ERRORS})
@org_route("records.view")
def list_vulnerabilities(request: HttpRequest, filters: Query[LibraryFilters]):
    return _entries(Vulnerability, filters)


@router.post(
    "/vulnerabilities",
    response={201: LibraryEntryOut, **ERRORS},
    summary="Add the organisation's own vulnerability to its library",
)
@org_route("records.create")
def add_vulnerability(request: HttpRequest, payload: LibraryEntryIn):
    return Status(201, _entry_out(_add_entry("vulnerabilities", payload)))
