"""API: the ISMS scope (4.3) — versions, the draft, approval by top management."""

import datetime as dt
import uuid
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from openisms.api.auth import acting_user, org_route
from openisms.api.common import ERRORS, PageParams, Text, page_of, paginate
from openisms.api.shared import (
    LONG,
    ApprovalState,
    Comment,
    JsonObject,
    patch_data,
    state_out,
    username,
)
from openisms.context import selectors
from openisms.context.models import ScopeVersion
from openisms.context.services import scope as svc

router = Router()
Item = Annotated[Text, Field(max_length=svc.MAX_ITEM_LENGTH)]
Items = Annotated[list[Item], Field(max_length=svc.MAX_ITEMS)]


class Exclusion(Schema):
    item: Text = Field(..., max_length=svc.MAX_ITEM_LENGTH)
    justification: Text = Field(..., max_length=5000, description="why it may be left out")


class ScopeOut(Schema):
    id: uuid.UUID
    number: int
    status: str = Field(..., description="draft, approved or superseded")
    statement: str
    processes: list[str]
    locations: list[str]
    units: list[str] = Field(..., description="organisational units")
    technology: list[str]
    interfaces: list[str]
    exclusions: list[Exclusion]
    justification: str
    change_summary: str
    created_by: str | None = Field(..., description="username")
    created_at: dt.datetime
    approved_at: dt.datetime | None
    approval: ApprovalState


class ScopeDraftIn(JsonObject):
    change_summary: Text = Field("", max_length=300, description="what the new version changes")


class ScopePatch(JsonObject):
    """Send only what changes; lists replace the whole list."""

    statement: Text | None = Field(None, max_length=LONG)
    processes: Items | None = None
    locations: Items | None = None
    units: Items | None = None
    technology: Items | None = None
    interfaces: Items | None = None
    exclusions: Annotated[list[Exclusion], Field(max_length=svc.MAX_ITEMS)] | None = None
    justification: Text | None = Field(None, max_length=LONG)
    change_summary: Text | None = Field(None, max_length=300)


class RejectIn(JsonObject):
    comment: Text = Field(..., min_length=1, max_length=LONG, description="why it is rejected")


def scope_out(s: ScopeVersion, state: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "id": s.pk,
        "number": s.number,
        "status": s.status,
        "statement": s.statement,
        "processes": s.processes,
        "locations": s.locations,
        "units": s.units,
        "technology": s.technology,
        "interfaces": s.interfaces,
        "exclusions": s.exclusions,
        "justification": s.justification,
        "change_summary": s.change_summary,
        "created_by": username(s.created_by),
        "created_at": s.created_at,
        "approved_at": s.approved_at,
        "approval": state_out(state or svc.approval_state(s)),
    }


def _one(scope_id: uuid.UUID) -> dict[str, Any]:
    return scope_out(get_object_or_404(selectors.scope_versions(), pk=scope_id))


@router.get(
    "/scope",
    response={200: page_of(ScopeOut), **ERRORS},
    summary="Every version of the ISMS scope, newest first",
)
@org_route("records.view")
def list_scope_versions(request: HttpRequest, page: Query[PageParams]):
    result = paginate(selectors.scope_versions(), page)
    states = svc.approval_states(result["items"])
    result["items"] = [scope_out(s, states[s.pk]) for s in result["items"]]
    return result


@router.get(
    "/scope/current",
    response={200: ScopeOut, **ERRORS},
    summary="The approved ISMS scope in force (404 before the first approval)",
)
@org_route("records.view")
def current_scope(request: HttpRequest):
    found = selectors.approved_scope()
    if found is None:
        raise Http404("No approved scope yet.")
    return _one(found.pk)


@router.post(
    "/scope",
    response={201: ScopeOut, **ERRORS},
    summary="Start a draft: a copy of the latest version (one draft at a time)",
)
@org_route("scope.change")
def start_scope_draft(request: HttpRequest, payload: ScopeDraftIn):
    draft = svc.start_draft(user=acting_user(request), change_summary=payload.change_summary)
    return Status(201, _one(draft.pk))


@router.get("/scope/{scope_id}", response={200: ScopeOut, **ERRORS})
@org_route("records.view")
def get_scope_version(request: HttpRequest, scope_id: uuid.UUID):
    return _one(scope_id)


@router.patch(
    "/scope/{scope_id}",
    response={200: ScopeOut, **ERRORS},
    summary="Change the draft (an approved or superseded version never changes)",
)
@org_route("scope.change")
def change_scope_draft(request: HttpRequest, scope_id: uuid.UUID, payload: ScopePatch):
    scope = get_object_or_404(ScopeVersion, pk=scope_id)
    data = patch_data(payload, ("justification", "change_summary"))
    if "statement" in data and data["statement"] is None:
        raise ValidationError({"statement": "The scope statement cannot be empty."})
    for name in ("processes", "locations", "units", "technology", "interfaces", "exclusions"):
        if name in data and data[name] is None:
            data[name] = []
    svc.update_draft(scope, data)
    return _one(scope.pk)


@router.delete("/scope/{scope_id}", response={204: None, **ERRORS}, summary="Discard the draft")
@org_route("scope.change")
def discard_scope_draft(request: HttpRequest, scope_id: uuid.UUID):
    svc.discard_draft(get_object_or_404(ScopeVersion, pk=scope_id))
    return Status(204, None)


@router.post(
    "/scope/{scope_id}/approve",
    response={200: ScopeOut, **ERRORS},
    summary="Top management approves the draft: it becomes the scope in force (never its author)",
)
@org_route("scope.approve")
def approve_scope(request: HttpRequest, scope_id: uuid.UUID, payload: Comment):
    scope = get_object_or_404(ScopeVersion, pk=scope_id)
    svc.approve(
        scope, approver=acting_user(request), role=request.org_access.role,
        comment=payload.comment,
    )  # fmt: skip
    return _one(scope.pk)


@router.post(
    "/scope/{scope_id}/reject",
    response={200: ScopeOut, **ERRORS},
    summary="Top management sends the draft back with a reason; it stays editable",
)
@org_route("scope.approve")
def reject_scope(request: HttpRequest, scope_id: uuid.UUID, payload: RejectIn):
    scope = get_object_or_404(ScopeVersion, pk=scope_id)
    svc.reject(
        scope, approver=acting_user(request), role=request.org_access.role,
        comment=payload.comment,
    )  # fmt: skip
    return _one(scope.pk)
