"""API: the staff register, competences and the competences people hold (7.2)."""

import datetime as dt
import uuid
from typing import Any, Literal

from django.db.models import Count
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from openisms.api.auth import org_route
from openisms.api.common import ERRORS, PageParams, Text, page_of, paginate
from openisms.api.shared import LONG, SHORT, JsonObject, member, patch_data, username
from openisms.people import selectors
from openisms.people.models import Competence, Person, PersonCompetence
from openisms.people.services import staff as svc

router = Router()
PERSON_TEXT = ("email", "job_title", "department")


class PersonOut(Schema):
    id: uuid.UUID
    full_name: str
    email: str
    job_title: str
    department: str
    manager: uuid.UUID | None = Field(..., description="id of the line manager")
    manager_name: str | None
    user: str | None = Field(..., description="username of the linked login")
    start_date: dt.date | None
    is_active: bool
    open_training: int
    overdue_training: int
    created_at: dt.datetime


class HeldOut(Schema):
    competence_id: uuid.UUID
    name: str
    source: str = Field(..., description="record | course")
    detail: str
    until: dt.date | None = Field(..., description="when it lapses; null: never")


class PersonDetail(PersonOut):
    competences_held: list[HeldOut] = Field(
        ..., description="held today: recorded and not expired, or from a passed course"
    )
    isms_roles: list[str]


class PersonIn(JsonObject):
    full_name: Text = Field(..., max_length=SHORT)
    email: Text = Field("", max_length=254)
    job_title: Text = Field("", max_length=SHORT)
    department: Text = Field("", max_length=100)
    manager: uuid.UUID | None = Field(None, description="id of the line manager")
    user: Text | None = Field(None, max_length=150, description="username of a member")
    start_date: dt.date | None = None
    is_active: bool = True


class PersonPatch(JsonObject):
    """Send only what changes; ``null`` clears the manager, login, start date or a text.
    Setting ``is_active`` to false excuses the person's open training."""

    full_name: Text | None = Field(None, max_length=SHORT)
    email: Text | None = Field(None, max_length=254)
    job_title: Text | None = Field(None, max_length=SHORT)
    department: Text | None = Field(None, max_length=100)
    manager: uuid.UUID | None = None
    user: Text | None = Field(None, max_length=150)
    start_date: dt.date | None = None
    is_active: bool | None = None


class PersonFilters(PageParams):
    department: Text = Field("", max_length=100)
    active: Literal["yes", "no", "all"] = Field("yes", description="left staff: no; everyone: all")
    q: Text = Field("", max_length=100, description="words in the name, e-mail or job title")


def person_out(p: Person) -> dict[str, Any]:
    return {
        "id": p.pk,
        "full_name": p.full_name,
        "email": p.email,
        "job_title": p.job_title,
        "department": p.department,
        "manager": p.manager_id,
        "manager_name": p.manager.full_name if p.manager else None,
        "user": username(p.user),
        "start_date": p.start_date,
        "is_active": p.is_active,
        "open_training": p.n_open,
        "overdue_training": p.n_overdue,
        "created_at": p.created_at,
    }


def _detail(person_id: uuid.UUID) -> dict[str, Any]:
    p = get_object_or_404(selectors.staff_register({"active": "all"}), pk=person_id)
    held = selectors.held_competences([p])[p.pk]
    names = dict(Competence.objects.filter(pk__in=list(held)).values_list("pk", "name"))
    return {
        **person_out(p),
        "competences_held": sorted(
            (
                {
                    "competence_id": pk,
                    "name": names[pk],
                    "source": s.kind,
                    "detail": s.label,
                    "until": s.until,
                }  # fmt: skip
                for pk, s in held.items()
            ),
            key=lambda h: h["name"],
        ),
        "isms_roles": [r.name for r in p.isms_roles.all()],
    }


def _resolve(data: dict[str, Any]) -> dict[str, Any]:
    if "user" in data:
        data["user"] = member(data["user"], "user")
    return data


@router.get(
    "/persons",
    response={200: page_of(PersonOut), **ERRORS},
    summary="The staff register, filterable by department, active (yes|no|all) and text",
)
@org_route("records.view")
def list_persons(request: HttpRequest, filters: Query[PersonFilters]):
    wanted = filters.model_dump(exclude={"limit", "offset"})
    result = paginate(selectors.staff_register(wanted), filters)
    result["items"] = [person_out(p) for p in result["items"]]
    return result


@router.post("/persons", response={201: PersonDetail, **ERRORS})
@org_route("people.change")
def create_person(request: HttpRequest, payload: PersonIn):
    person = svc.create_person(_resolve(payload.model_dump()))
    return Status(201, _detail(person.pk))


@router.get("/persons/{person_id}", response={200: PersonDetail, **ERRORS})
@org_route("records.view")
def get_person(request: HttpRequest, person_id: uuid.UUID):
    return _detail(person_id)


@router.patch("/persons/{person_id}", response={200: PersonDetail, **ERRORS})
@org_route("people.change")
def change_person(request: HttpRequest, person_id: uuid.UUID, payload: PersonPatch):
    person = get_object_or_404(Person, pk=person_id)
    svc.update_person(person, _resolve(patch_data(payload, PERSON_TEXT)))
    return _detail(person.pk)


@router.delete(
    "/persons/{person_id}",
    response={204: None, **ERRORS},
    summary="Delete a person recorded by mistake (people with history: deactivate instead)",
)
@org_route("people.change")
def delete_person(request: HttpRequest, person_id: uuid.UUID):
    svc.delete_person(get_object_or_404(Person, pk=person_id))
    return Status(204, None)


# --- competences --------------------------------------------------------------------------


class CompetenceOut(Schema):
    id: uuid.UUID
    name: str
    description: str
    recorded_holders: int


class CompetenceIn(JsonObject):
    name: Text = Field(..., max_length=SHORT)
    description: Text = Field("", max_length=LONG)


class CompetencePatch(JsonObject):
    name: Text | None = Field(None, max_length=SHORT)
    description: Text | None = Field(None, max_length=LONG)


def _competences() -> Any:
    return Competence.objects.annotate(n=Count("holders")).order_by("name")


def competence_out(c: Competence) -> dict[str, Any]:
    return {"id": c.pk, "name": c.name, "description": c.description, "recorded_holders": c.n}


@router.get("/competences", response={200: page_of(CompetenceOut), **ERRORS})
@org_route("records.view")
def list_competences(request: HttpRequest, page: Query[PageParams]):
    result = paginate(_competences(), page)
    result["items"] = [competence_out(c) for c in result["items"]]
    return result


@router.post("/competences", response={201: CompetenceOut, **ERRORS})
@org_route("people.change")
def create_competence(request: HttpRequest, payload: CompetenceIn):
    c = svc.create_competence(payload.model_dump())
    return Status(201, competence_out(_competences().get(pk=c.pk)))


@router.get("/competences/{competence_id}", response={200: CompetenceOut, **ERRORS})
@org_route("records.view")
def get_competence(request: HttpRequest, competence_id: uuid.UUID):
    return competence_out(get_object_or_404(_competences(), pk=competence_id))


@router.patch("/competences/{competence_id}", response={200: CompetenceOut, **ERRORS})
@org_route("people.change")
def change_competence(request: HttpRequest, competence_id: uuid.UUID, payload: CompetencePatch):
    c = get_object_or_404(Competence, pk=competence_id)
    svc.update_competence(c, patch_data(payload, ("description",)))
    return competence_out(_competences().get(pk=c.pk))


@router.delete("/competences/{competence_id}", response={204: None, **ERRORS})
@org_route("people.change")
def delete_competence(request: HttpRequest, competence_id: uuid.UUID):
    svc.delete_competence(get_object_or_404(Competence, pk=competence_id))
    return Status(204, None)


# --- competences a person holds (recorded) ------------------------------------------------


class HoldingOut(Schema):
    person_id: uuid.UUID
    competence_id: uuid.UUID
    competence: str
    acquired_on: dt.date | None
    expires_on: dt.date | None
    evidence: str


class HoldingIn(JsonObject):
    competence: uuid.UUID = Field(..., description="id of the competence")
    acquired_on: dt.date | None = None
    expires_on: dt.date | None = None
    evidence: Text = Field("", max_length=LONG)


class HoldingPatch(JsonObject):
    acquired_on: dt.date | None = None
    expires_on: dt.date | None = None
    evidence: Text | None = Field(None, max_length=LONG)


def holding_out(h: PersonCompetence) -> dict[str, Any]:
    return {
        "person_id": h.person_id,
        "competence_id": h.competence_id,
        "competence": h.competence.name,
        "acquired_on": h.acquired_on,
        "expires_on": h.expires_on,
        "evidence": h.evidence,
    }


def _holding(person_id: uuid.UUID, competence_id: uuid.UUID) -> PersonCompetence:
    return get_object_or_404(
        PersonCompetence.objects.select_related("competence"),
        person_id=person_id,
        competence_id=competence_id,
    )


@router.get(
    "/persons/{person_id}/competences",
    response={200: page_of(HoldingOut), **ERRORS},
    summary="Competences recorded for a person (including expired ones)",
)
@org_route("records.view")
def list_holdings(request: HttpRequest, person_id: uuid.UUID, page: Query[PageParams]):
    person = get_object_or_404(Person, pk=person_id)
    qs = PersonCompetence.objects.filter(person=person).select_related("competence")
    result = paginate(qs.order_by("competence__name"), page)
    result["items"] = [holding_out(h) for h in result["items"]]
    return result


@router.post(
    "/persons/{person_id}/competences",
    response={201: HoldingOut, **ERRORS},
    summary="Record that a person holds a competence (again: updates the record)",
)
@org_route("people.change")
def add_holding(request: HttpRequest, person_id: uuid.UUID, payload: HoldingIn):
    person = get_object_or_404(Person, pk=person_id)
    record = svc.record_competence(person, payload.model_dump())
    return Status(201, holding_out(_holding(person.pk, record.competence_id)))


@router.get(
    "/persons/{person_id}/competences/{competence_id}", response={200: HoldingOut, **ERRORS}
)
@org_route("records.view")
def get_holding(request: HttpRequest, person_id: uuid.UUID, competence_id: uuid.UUID):
    return holding_out(_holding(person_id, competence_id))


@router.patch(
    "/persons/{person_id}/competences/{competence_id}", response={200: HoldingOut, **ERRORS}
)
@org_route("people.change")
def change_holding(
    request: HttpRequest, person_id: uuid.UUID, competence_id: uuid.UUID, payload: HoldingPatch
):
    record = _holding(person_id, competence_id)
    svc.update_holding(record, patch_data(payload, ("evidence",)))
    return holding_out(_holding(person_id, competence_id))


@router.delete("/persons/{person_id}/competences/{competence_id}", response={204: None, **ERRORS})
@org_route("people.change")
def remove_holding(request: HttpRequest, person_id: uuid.UUID, competence_id: uuid.UUID):
    svc.remove_holding(_holding(person_id, competence_id))
    return Status(204, None)
