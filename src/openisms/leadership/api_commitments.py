"""API: management commitment records (5.1) and the competence gaps of role holders (7.2)."""

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from openisms.api.auth import acting_user, org_route
from openisms.api.common import ERRORS, PageParams, Text, page_of, paginate
from openisms.api.shared import LONG, SHORT, JsonObject, patch_data, username
from openisms.leadership import selectors
from openisms.leadership.models import Commitment, CommitmentKind, IsmsRole
from openisms.leadership.services import commitments as svc

router = Router()
TEXT = ("description", "decided_by")
KINDS = ", ".join(CommitmentKind.values)
# Money and days travel as JSON numbers or decimal strings; the service checks the range.
Amount = Decimal


class CommitmentOut(Schema):
    id: uuid.UUID
    date: dt.date
    kind: str = Field(..., description=KINDS)
    title: str
    description: str
    decided_by: str
    amount: Decimal | None
    effort_days: Decimal | None
    recorded_by: str | None = Field(..., description="username")
    created_at: dt.datetime


class CommitmentIn(JsonObject):
    # ``kind`` is free text checked by the service (400 with the choices), so a wrong value
    # is a message a person can act on rather than a schema error.
    date: dt.date | None = Field(None, description="default: today")
    kind: Text = Field(CommitmentKind.DECISION.value, max_length=100, description=KINDS)
    title: Text = Field(..., min_length=1, max_length=SHORT)
    description: Text = Field("", max_length=LONG)
    decided_by: Text = Field("", max_length=SHORT, description="who in top management")
    amount: Amount | None = Field(None, ge=0, lt=10**12, decimal_places=2)
    effort_days: Amount | None = Field(None, ge=0, lt=10**7, decimal_places=1)


class CommitmentPatch(JsonObject):
    """Send only what changes; ``null`` clears an amount, effort or text."""

    date: dt.date | None = None
    kind: Text | None = Field(None, max_length=100, description=KINDS)
    title: Text | None = Field(None, min_length=1, max_length=SHORT)
    description: Text | None = Field(None, max_length=LONG)
    decided_by: Text | None = Field(None, max_length=SHORT)
    amount: Amount | None = Field(None, ge=0, lt=10**12, decimal_places=2)
    effort_days: Amount | None = Field(None, ge=0, lt=10**7, decimal_places=1)


class CommitmentFilters(PageParams):
    kind: Text = Field("", max_length=15, description=KINDS)
    year: int | None = Field(None, ge=1900, le=9999)
    q: Text = Field("", max_length=100, description="words in title, description, decided by")


class CommitmentPage(page_of(CommitmentOut)):  # type: ignore[misc]
    total_amount: Decimal = Field(..., description="budget granted by the filtered records")
    total_effort_days: Decimal


class GapCompetence(Schema):
    id: uuid.UUID
    name: str


class HolderGaps(Schema):
    person_id: uuid.UUID
    full_name: str
    held: dict[str, str] = Field(
        ..., description="competence id → how it is held: record (evidence) or course"
    )
    expired: dict[str, dt.date] = Field(..., description="competence id → evidence expired on")
    missing: list[uuid.UUID] = Field(..., description="required competences not held")


class RoleGapsOut(Schema):
    role_id: uuid.UUID
    role: str
    required_competences: list[GapCompetence]
    holders: list[HolderGaps] = Field(..., description="active holders")
    gaps: int = Field(..., description="required competences missing, summed over holders")
    people_with_gaps: int


class GapFilters(Schema):
    role_id: uuid.UUID | None = None
    only_gaps: bool = Field(False, description="list only holders missing something")


def _out(c: Commitment) -> dict[str, Any]:
    return {
        "id": c.pk,
        "date": c.date,
        "kind": c.kind,
        "title": c.title,
        "description": c.description,
        "decided_by": c.decided_by,
        "amount": c.amount,
        "effort_days": c.effort_days,
        "recorded_by": username(c.recorded_by),
        "created_at": c.created_at,
    }


def _detail(commitment_id: Any) -> dict[str, Any]:
    return _out(
        get_object_or_404(Commitment.objects.select_related("recorded_by"), pk=commitment_id)
    )


@router.get(
    "/commitments",
    response={200: CommitmentPage, **ERRORS},
    summary="Management commitment records, filterable by kind, year and text, with totals",
)
@org_route("records.view")
def list_commitments(request: HttpRequest, filters: Query[CommitmentFilters]):
    wanted = {"kind": filters.kind, "year": str(filters.year or ""), "q": filters.q}
    qs = selectors.commitments(wanted)
    totals = selectors.commitment_totals(qs)
    result = paginate(qs, filters)
    result["items"] = [_out(c) for c in result["items"]]
    result["total_amount"] = totals["amount"]
    result["total_effort_days"] = totals["effort_days"]
    return result


@router.post("/commitments", response={201: CommitmentOut, **ERRORS})
@org_route("leadership.change")
def create_commitment(request: HttpRequest, payload: CommitmentIn):
    data = payload.model_dump()
    if data["date"] is None:
        data.pop("date")
    item = svc.create_commitment(data, user=acting_user(request))
    return Status(201, _detail(item.pk))


@router.get("/commitments/{commitment_id}", response={200: CommitmentOut, **ERRORS})
@org_route("records.view")
def get_commitment(request: HttpRequest, commitment_id: uuid.UUID):
    return _detail(commitment_id)


@router.patch("/commitments/{commitment_id}", response={200: CommitmentOut, **ERRORS})
@org_route("leadership.change")
def change_commitment(request: HttpRequest, commitment_id: uuid.UUID, payload: CommitmentPatch):
    item = get_object_or_404(Commitment, pk=commitment_id)
    data = patch_data(payload, TEXT)
    for name in ("date", "kind", "title"):
        if name in data and data[name] is None:
            data.pop(name)  # cannot be empty: null leaves them as they are
    svc.update_commitment(item, data)
    return _detail(item.pk)


@router.delete("/commitments/{commitment_id}", response={204: None, **ERRORS})
@org_route("leadership.change")
def delete_commitment(request: HttpRequest, commitment_id: uuid.UUID):
    svc.delete_commitment(get_object_or_404(Commitment, pk=commitment_id))
    return Status(204, None)


@router.get(
    "/competence-gaps",
    response={200: list[RoleGapsOut], **ERRORS},
    summary="Per ISMS role: required competences against what each active holder has",
)
@org_route("records.view")
def competence_gaps(request: HttpRequest, filters: Query[GapFilters]):
    if filters.role_id is not None:
        get_object_or_404(IsmsRole, pk=filters.role_id)
    result = []
    for item in selectors.competence_gaps(filters.role_id):
        holders = []
        for row in item.rows:
            if filters.only_gaps and not row.missing:
                continue
            holders.append(
                {
                    "person_id": row.person.pk,
                    "full_name": row.person.full_name,
                    "held": {
                        str(c.competence.pk): c.source for c in row.cells if c.status == "held"
                    },
                    "expired": {
                        str(c.competence.pk): c.expired_on
                        for c in row.cells
                        if c.status == "expired"
                    },
                    "missing": [c.competence.pk for c in row.cells if c.status != "held"],
                }
            )
        result.append(
            {
                "role_id": item.role.pk,
                "role": item.role.name,
                "required_competences": [{"id": c.pk, "name": c.name} for c in item.competences],
                "holders": holders,
                "gaps": item.gaps,
                "people_with_gaps": item.people_with_gaps,
            }
        )
    return result
