"""API: interested parties (4.2) and the requirements register."""

import datetime as dt
import uuid
from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from openisms.api.auth import org_route
from openisms.api.common import ERRORS, PageParams, Text, page_of, paginate
from openisms.api.shared import (
    LONG,
    OWNER_IN,
    OWNER_OUT,
    SHORT,
    JsonObject,
    owner_out,
    patch_data,
)
from openisms.context import selectors
from openisms.context.api_common import choice
from openisms.context.models import InterestedParty, Obligation, ObligationSource, PartyKind
from openisms.context.services import parties as svc
from openisms.controls.links import MAX_LINKS

router = Router()
PARTY_TEXT = ("name", "description", "expectations")
OBLIGATION_TEXT = ("title", "reference", "description", "how_addressed")
Kind = choice(PartyKind)
Source = choice(ObligationSource)


# --- interested parties -----------------------------------------------------------------


class PartyRequirement(Schema):
    id: uuid.UUID
    ref: str
    title: str
    how_addressed: str = Field(..., description="how the ISMS addresses it")
    is_active: bool


class PartyOut(Schema):
    id: uuid.UUID
    name: str
    kind: str
    is_internal: bool
    description: str
    expectations: str
    requirements: list[PartyRequirement] = Field(
        ..., description="its entries in the requirements register"
    )
    created_at: dt.datetime


class PartyIn(JsonObject):
    """``kind`` is required (400 naming the field when missing)."""

    name: Text = Field(..., max_length=SHORT)
    # Optional to the schema only, as for issues (``kind`` means other things elsewhere).
    kind: Kind | None = None
    is_internal: bool = False
    description: Text = Field("", max_length=LONG)
    expectations: Text = Field("", max_length=LONG)


class PartyPatch(JsonObject):
    name: Text | None = Field(None, max_length=SHORT)
    kind: Kind | None = None
    is_internal: bool | None = None
    description: Text | None = Field(None, max_length=LONG)
    expectations: Text | None = Field(None, max_length=LONG)


class PartyFilters(PageParams):
    kind: Text = Field("", max_length=20)
    internal: Text = Field("", max_length=5, description="yes or no")
    q: Text = Field("", max_length=100, description="words in the name or description")


def with_requirements(qs: Any) -> Any:
    return qs.prefetch_related(
        Prefetch(
            "obligations",
            queryset=Obligation.unscoped.live()
            .only("id", "ref", "title", "how_addressed", "is_active")
            .order_by("ref"),
        )
    )  # fmt: skip


def party_out(p: InterestedParty) -> dict[str, Any]:
    return {
        "id": p.pk,
        "name": p.name,
        "kind": p.kind,
        "is_internal": p.is_internal,
        "description": p.description,
        "expectations": p.expectations,
        "requirements": [
            {
                "id": o.pk,
                "ref": o.ref,
                "title": o.title,
                "how_addressed": o.how_addressed,
                "is_active": o.is_active,
            }
            for o in p.obligations.all()
        ],  # fmt: skip
        "created_at": p.created_at,
    }


def drop_null(data: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    # ``null`` leaves a choice or a flag as it is: there is nothing to clear.
    return {k: v for k, v in data.items() if not (k in names and v is None)}


# --- requirements register ----------------------------------------------------------------


class RequirementOut(Schema):
    id: uuid.UUID
    ref: str
    title: str
    source: str
    reference: str = Field(..., description="e.g. GDPR Art. 32")
    description: str
    how_addressed: str
    owner: str | None = Field(..., description=OWNER_OUT)
    owner_id: uuid.UUID | None = Field(..., description="person id")
    parties: list[uuid.UUID] = Field(..., description="ids of the interested parties")
    party_names: list[str]
    controls: list[str] = Field(
        ..., description="refs of the controls that address it: Annex A (A.5.31) or own"
    )
    is_active: bool
    created_at: dt.datetime
    updated_at: dt.datetime


class RequirementIn(JsonObject):
    """``source`` is required (400 naming the field when missing)."""

    title: Text = Field(..., max_length=SHORT)
    source: Source | None = None
    reference: Text = Field("", max_length=SHORT)
    description: Text = Field("", max_length=LONG)
    how_addressed: Text = Field("", max_length=LONG)
    owner: Text | None = Field(None, max_length=254, description=OWNER_IN)
    parties: list[uuid.UUID] = Field([], max_length=500, description="interested party ids")
    controls: list[Text] = Field(
        [], max_length=MAX_LINKS, description="control refs: Annex A (A.5.31) or own (CTRL-001)"
    )
    is_active: bool = True


class RequirementPatch(JsonObject):
    """Send only what changes; ``null`` clears the owner or a text."""

    title: Text | None = Field(None, max_length=SHORT)
    source: Source | None = None
    reference: Text | None = Field(None, max_length=SHORT)
    description: Text | None = Field(None, max_length=LONG)
    how_addressed: Text | None = Field(None, max_length=LONG)
    owner: Text | None = Field(None, max_length=254, description=OWNER_IN)
    parties: list[uuid.UUID] | None = Field(None, max_length=500)
    controls: list[Text] | None = Field(None, max_length=MAX_LINKS)
    is_active: bool | None = None


class RequirementFilters(PageParams):
    source: Text = Field("", max_length=20)
    active: Text = Field("", max_length=5, description="yes or no")
    owner: Text = Field("", max_length=150, description="username")
    party: Text = Field("", max_length=40, description="interested party id")
    control: Text = Field("", max_length=30, description="control ref, e.g. A.5.31 or CTRL-001")
    q: Text = Field("", max_length=100, description="words in the title, reference or text")


def requirement_out(o: Obligation) -> dict[str, Any]:
    parties = list(o.parties.all())
    return {
        "id": o.pk,
        "ref": o.ref,
        "title": o.title,
        "source": o.source,
        "reference": o.reference,
        "description": o.description,
        "how_addressed": o.how_addressed,
        **owner_out(o, "owner"),
        "parties": [p.pk for p in parties],
        "party_names": [p.name for p in parties],
        "controls": [c.ref for c in sorted(o.controls.all(), key=lambda c: (c.order, c.ref))],
        "is_active": o.is_active,
        "created_at": o.created_at,
        "updated_at": o.updated_at,
    }


def _requirement(requirement_id: uuid.UUID) -> dict[str, Any]:
    qs = selectors.with_links(Obligation.objects.select_related("owner"))
    return requirement_out(get_object_or_404(qs, pk=requirement_id))


def _resolve(data: dict[str, Any]) -> dict[str, Any]:
    """Names in the request become the organisation's objects (the services re-check them)."""
    data = drop_null(data, ("source", "is_active"))
    if "parties" in data:
        data["parties"] = [str(p) for p in data["parties"] or []]
    if "controls" in data:
        # Refs of the organisation's controls: the service resolves them (unknown ones: 400).
        data["controls"] = data["controls"] or []
    return data


@router.get(
    "/requirements",
    response={200: page_of(RequirementOut), **ERRORS},
    summary="The requirements register, filterable by source, status, owner, party, control, text",
)
@org_route("records.view")
def list_requirements(request: HttpRequest, filters: Query[RequirementFilters]):
    qs = selectors.obligations(filters.model_dump(exclude={"limit", "offset"}))
    result = paginate(qs, filters)
    result["items"] = [requirement_out(o) for o in result["items"]]
    return result


@router.post("/requirements", response={201: RequirementOut, **ERRORS})
@org_route("context.change")
def create_requirement(request: HttpRequest, payload: RequirementIn):
    ob = svc.create_obligation(_resolve(payload.model_dump()))
    return Status(201, _requirement(ob.pk))


@router.get("/requirements/{requirement_id}", response={200: RequirementOut, **ERRORS})
@org_route("records.view")
def get_requirement(request: HttpRequest, requirement_id: uuid.UUID):
    return _requirement(requirement_id)


@router.patch("/requirements/{requirement_id}", response={200: RequirementOut, **ERRORS})
@org_route("context.change")
def change_requirement(request: HttpRequest, requirement_id: uuid.UUID, payload: RequirementPatch):
    ob = get_object_or_404(Obligation, pk=requirement_id)
    svc.update_obligation(ob, _resolve(patch_data(payload, OBLIGATION_TEXT)))
    return _requirement(ob.pk)


@router.delete("/requirements/{requirement_id}", response={204: None, **ERRORS})
@org_route("context.change")
def delete_requirement(request: HttpRequest, requirement_id: uuid.UUID):
    svc.delete_obligation(get_object_or_404(Obligation, pk=requirement_id))
    return Status(204, None)
