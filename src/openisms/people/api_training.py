"""API: courses and awareness modules, campaigns with their progress, launching (7.2, 7.3)."""

import datetime as dt
import uuid
from typing import Any, Literal

from django.db.models import Prefetch
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from pydantic import StrictInt

from openisms.api.auth import org_route
from openisms.api.common import ERRORS, PageParams, Text, page_of, paginate
from openisms.api.shared import LONG, SHORT, JsonObject, patch_data
from openisms.people import selectors
from openisms.people.models import (
    Campaign,
    Competence,
    Course,
    CourseKind,
    Effectiveness,
    Person,
)
from openisms.people.services import training as svc

router = Router()
KindName = Literal[tuple(CourseKind.values)]  # type: ignore[valid-type]
EffectivenessName = Literal[tuple(Effectiveness.values)]  # type: ignore[valid-type]
Department = Text


class CourseOut(Schema):
    id: uuid.UUID
    title: str
    kind: str
    description: str
    duration_minutes: int | None
    effectiveness: str = Field(..., description="quiz | manager | none")
    pass_score: int | None
    validity_months: int | None
    competences: list[uuid.UUID] = Field(..., description="ids of the competences it grants")
    is_active: bool
    created_at: dt.datetime


class CourseIn(JsonObject):
    title: Text = Field(..., max_length=SHORT)
    kind: KindName = CourseKind.COURSE.value
    description: Text = Field("", max_length=LONG)
    duration_minutes: StrictInt | None = Field(None, ge=1, le=10_000)
    effectiveness: EffectivenessName = Effectiveness.QUIZ.value
    pass_score: StrictInt | None = Field(
        None, ge=0, le=100, description="required for quiz courses (default 80)"
    )
    validity_months: StrictInt | None = Field(None, ge=1, le=240)
    competences: list[uuid.UUID] = Field([], max_length=200)
    is_active: bool = True


class CoursePatch(JsonObject):
    title: Text | None = Field(None, max_length=SHORT)
    kind: KindName | None = None
    description: Text | None = Field(None, max_length=LONG)
    duration_minutes: StrictInt | None = Field(None, ge=1, le=10_000)
    effectiveness: EffectivenessName | None = None
    pass_score: StrictInt | None = Field(None, ge=0, le=100)
    validity_months: StrictInt | None = Field(None, ge=1, le=240)
    competences: list[uuid.UUID] | None = Field(None, max_length=200)
    is_active: bool | None = None


def _courses() -> Any:
    return Course.objects.prefetch_related(
        Prefetch("competences", queryset=Competence.unscoped.only("id"))
    ).order_by("title")


def course_out(c: Course) -> dict[str, Any]:
    return {
        "id": c.pk,
        "title": c.title,
        "kind": c.kind,
        "description": c.description,
        "duration_minutes": c.duration_minutes,
        "effectiveness": c.effectiveness,
        "pass_score": c.pass_score,
        "validity_months": c.validity_months,
        "competences": sorted((x.pk for x in c.competences.all()), key=str),
        "is_active": c.is_active,
        "created_at": c.created_at,
    }


def _course(course_id: uuid.UUID) -> dict[str, Any]:
    return course_out(get_object_or_404(_courses(), pk=course_id))


@router.get("/courses", response={200: page_of(CourseOut), **ERRORS})
@org_route("records.view")
def list_courses(request: HttpRequest, page: Query[PageParams]):
    result = paginate(_courses(), page)
    result["items"] = [course_out(c) for c in result["items"]]
    return result


@router.post("/courses", response={201: CourseOut, **ERRORS})
@org_route("people.change")
def create_course(request: HttpRequest, payload: CourseIn):
    course = svc.create_course(payload.model_dump())
    return Status(201, _course(course.pk))


@router.get("/courses/{course_id}", response={200: CourseOut, **ERRORS})
@org_route("records.view")
def get_course(request: HttpRequest, course_id: uuid.UUID):
    return _course(course_id)


@router.patch("/courses/{course_id}", response={200: CourseOut, **ERRORS})
@org_route("people.change")
def change_course(request: HttpRequest, course_id: uuid.UUID, payload: CoursePatch):
    course = get_object_or_404(Course, pk=course_id)
    svc.update_course(course, patch_data(payload, ("description",)))
    return _course(course.pk)


@router.delete("/courses/{course_id}", response={204: None, **ERRORS})
@org_route("people.change")
def delete_course(request: HttpRequest, course_id: uuid.UUID):
    svc.delete_course(get_object_or_404(Course, pk=course_id))
    return Status(204, None)


# --- campaigns ----------------------------------------------------------------------------


class ProgressOut(Schema):
    total: int
    assigned: int
    completed: int
    failed: int
    excused: int
    overdue: int
    percent_completed: int = Field(..., description="of the assignments not excused")


class CampaignOut(Schema):
    id: uuid.UUID
    name: str
    course: uuid.UUID
    course_title: str
    audience_all: bool
    audience_departments: list[str]
    audience_people: list[uuid.UUID]
    starts_on: dt.date
    due_on: dt.date
    status: str = Field(..., description="draft | running | closed")
    progress: ProgressOut
    created_at: dt.datetime


class CampaignIn(JsonObject):
    name: Text = Field(..., max_length=SHORT)
    course: uuid.UUID = Field(..., description="id of the course")
    audience_all: bool = Field(False, description="every active member of staff")
    audience_departments: list[Department] = Field([], max_length=100)
    audience_people: list[uuid.UUID] = Field([], max_length=5000)
    starts_on: dt.date | None = Field(None, description="default: today")
    due_on: dt.date


class CampaignPatch(JsonObject):
    name: Text | None = Field(None, max_length=SHORT)
    course: uuid.UUID | None = Field(None, description="only while a draft")
    audience_all: bool | None = None
    audience_departments: list[Department] | None = Field(None, max_length=100)
    audience_people: list[uuid.UUID] | None = Field(None, max_length=5000)
    starts_on: dt.date | None = None
    due_on: dt.date | None = None


class CampaignFilters(PageParams):
    status: Literal["", "draft", "running", "closed"] = ""


class LaunchOut(Schema):
    created: int = Field(..., description="assignments created by this launch")
    campaign: CampaignOut


def _campaigns() -> Any:
    return selectors.campaigns().prefetch_related(
        Prefetch("audience_people", queryset=Person.unscoped.live().only("id"))
    )


def campaign_out(c: Campaign) -> dict[str, Any]:
    p = selectors.progress_of(c)
    return {
        "id": c.pk,
        "name": c.name,
        "course": c.course_id,
        "course_title": c.course.title,
        "audience_all": c.audience_all,
        "audience_departments": list(c.audience_departments or []),
        "audience_people": sorted((x.pk for x in c.audience_people.all()), key=str),
        "starts_on": c.starts_on,
        "due_on": c.due_on,
        "status": c.status,
        "progress": {
            "total": p.total,
            "assigned": p.assigned,
            "completed": p.completed,
            "failed": p.failed,
            "excused": p.excused,
            "overdue": p.overdue,
            "percent_completed": p.pct_completed,
        },  # fmt: skip
        "created_at": c.created_at,
    }


def _campaign(campaign_id: uuid.UUID) -> dict[str, Any]:
    return campaign_out(get_object_or_404(_campaigns(), pk=campaign_id))


def _update_data(data: dict[str, Any]) -> dict[str, Any]:
    """``null`` for a list means "none"; for the course or a date it means "leave it"."""
    for name in ("audience_departments", "audience_people"):
        if name in data and data[name] is None:
            data[name] = []
    for name in ("course", "starts_on", "due_on", "audience_all", "name"):
        if name in data and data[name] is None:
            del data[name]
    return data


@router.get(
    "/campaigns",
    response={200: page_of(CampaignOut), **ERRORS},
    summary="Campaigns with their progress, newest first; filter by status",
)
@org_route("records.view")
def list_campaigns(request: HttpRequest, filters: Query[CampaignFilters]):
    qs = _campaigns()
    if filters.status:
        qs = qs.filter(status=filters.status)
    result = paginate(qs, filters)
    result["items"] = [campaign_out(c) for c in result["items"]]
    return result


@router.post("/campaigns", response={201: CampaignOut, **ERRORS})
@org_route("people.change")
def create_campaign(request: HttpRequest, payload: CampaignIn):
    campaign = svc.create_campaign(_update_data(payload.model_dump()))
    return Status(201, _campaign(campaign.pk))


@router.get("/campaigns/{campaign_id}", response={200: CampaignOut, **ERRORS})
@org_route("records.view")
def get_campaign(request: HttpRequest, campaign_id: uuid.UUID):
    return _campaign(campaign_id)


@router.patch("/campaigns/{campaign_id}", response={200: CampaignOut, **ERRORS})
@org_route("people.change")
def change_campaign(request: HttpRequest, campaign_id: uuid.UUID, payload: CampaignPatch):
    campaign = get_object_or_404(Campaign, pk=campaign_id)
    svc.update_campaign(campaign, _update_data(payload.model_dump(exclude_unset=True)))
    return _campaign(campaign.pk)


@router.delete(
    "/campaigns/{campaign_id}", response={204: None, **ERRORS}, summary="Delete a draft campaign"
)
@org_route("people.change")
def delete_campaign(request: HttpRequest, campaign_id: uuid.UUID):
    svc.delete_campaign(get_object_or_404(Campaign, pk=campaign_id))
    return Status(204, None)


@router.post(
    "/campaigns/{campaign_id}/launch",
    response={200: LaunchOut, **ERRORS},
    summary="Assign the course to the audience (again: newcomers only); the campaign runs",
)
@org_route("people.change")
def launch_campaign(request: HttpRequest, campaign_id: uuid.UUID):
    created = svc.launch_campaign(get_object_or_404(Campaign, pk=campaign_id))
    return {"created": created, "campaign": _campaign(campaign_id)}


@router.post("/campaigns/{campaign_id}/close", response={200: CampaignOut, **ERRORS})
@org_route("people.change")
def close_campaign(request: HttpRequest, campaign_id: uuid.UUID):
    svc.close_campaign(get_object_or_404(Campaign, pk=campaign_id))
    return _campaign(campaign_id)
