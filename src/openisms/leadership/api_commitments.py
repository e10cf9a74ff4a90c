"""API: the competence gaps of role holders (7.2), and the schemas of the management commitment
records (5.1), whose routes come from the record kit (``leadership.records``)."""

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from openisms.api.auth import org_route
from openisms.api.common import ERRORS, PageParams, Text, page_of
from openisms.api.shared import LONG, SHORT, JsonObject, username
from openisms.leadership import selectors
from openisms.leadership.models import Commitment, CommitmentKind, IsmsRole

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


def commitment_out(c: Commitment) -> dict[str, Any]:
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
