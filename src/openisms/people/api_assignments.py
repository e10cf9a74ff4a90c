"""API: training assignments and their results, the overdue list, the caller's own training."""

import datetime as dt
import uuid
from typing import Any, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from pydantic import StrictInt

from openisms.api.auth import acting_user, org_route
from openisms.api.common import ERRORS, PageParams, Text, page_of, paginate
from openisms.api.shared import LONG, JsonObject, username
from openisms.people import selectors
from openisms.people.models import TrainingAssignment
from openisms.people.services import training as svc

router = Router()
StatusName = Literal["", "assigned", "completed", "failed", "excused"]


class AssignmentOut(Schema):
    id: uuid.UUID
    person: uuid.UUID
    person_name: str
    department: str
    course: uuid.UUID
    course_title: str
    campaign: uuid.UUID | None
    assigned_on: dt.date
    due_on: dt.date | None
    status: str = Field(..., description="assigned | completed | failed | excused")
    overdue: bool
    completed_on: dt.date | None
    score: int | None
    confirmed_by: str | None = Field(..., description="username of the confirming manager")
    confirmed_on: dt.date | None
    notes: str


class AssignmentIn(JsonObject):
    person: uuid.UUID = Field(..., description="id of the person")
    course: uuid.UUID = Field(..., description="id of the course")
    due_on: dt.date | None = None
    notes: Text = Field("", max_length=LONG)


class CompletionIn(JsonObject):
    completed_on: dt.date | None = Field(None, description="default: today")
    score: StrictInt | None = Field(
        None, ge=0, le=100, description="percent; required for quiz courses, where it decides"
    )
    notes: Text = Field("", max_length=LONG)


class ConfirmIn(JsonObject):
    notes: Text = Field("", max_length=LONG)


class ExcuseIn(JsonObject):
    note: Text = Field(..., max_length=LONG, description="why the person is excused")


class ResetIn(JsonObject):
    due_on: dt.date | None = Field(None, description="new due date; default: unchanged")


class AssignmentFilters(PageParams):
    person: uuid.UUID | None = None
    course: uuid.UUID | None = None
    campaign: uuid.UUID | None = None
    status: StatusName = ""
    overdue: bool = False
    department: Text = Field("", max_length=100)
    q: Text = Field("", max_length=100, description="words in the person's name")


class OverdueFilters(PageParams):
    course: uuid.UUID | None = None
    department: Text = Field("", max_length=100)
    q: Text = Field("", max_length=100, description="words in the person's name")


def assignment_out(a: TrainingAssignment) -> dict[str, Any]:
    return {
        "id": a.pk,
        "person": a.person_id,
        "person_name": a.person.full_name,
        "department": a.person.department,
        "course": a.course_id,
        "course_title": a.course.title,
        "campaign": a.campaign_id,
        "assigned_on": a.assigned_on,
        "due_on": a.due_on,
        "status": a.status,
        "overdue": a.is_overdue,
        "completed_on": a.completed_on,
        "score": a.score,
        "confirmed_by": username(a.confirmed_by),
        "confirmed_on": a.confirmed_on,
        "notes": a.notes,
    }


def _one(assignment_id: uuid.UUID) -> TrainingAssignment:
    return get_object_or_404(selectors.assignments(), pk=assignment_id)


def _filters(f: PageParams) -> dict[str, str]:
    data = f.model_dump(exclude={"limit", "offset"})
    return {
        k: ("1" if v is True else "" if v in (None, False) else str(v)) for k, v in data.items()
    }


@router.get(
    "/assignments",
    response={200: page_of(AssignmentOut), **ERRORS},
    summary="Training assignments, filterable by person, course, campaign, status, overdue, "
    "department and name",
)
@org_route("records.view")
def list_assignments(request: HttpRequest, filters: Query[AssignmentFilters]):
    result = paginate(selectors.assignments(_filters(filters)), filters)
    result["items"] = [assignment_out(a) for a in result["items"]]
    return result


@router.get(
    "/overdue",
    response={200: page_of(AssignmentOut), **ERRORS},
    summary="Every overdue assignment (assigned, due date past), oldest due first",
)
@org_route("records.view")
def list_overdue(request: HttpRequest, filters: Query[OverdueFilters]):
    result = paginate(selectors.overdue(_filters(filters)), filters)
    result["items"] = [assignment_out(a) for a in result["items"]]
    return result


@router.get(
    "/my-training",
    response={200: list[AssignmentOut], **ERRORS},
    summary="The caller's own assignments (through the person linked to their login)",
)
@org_route("records.view")
def my_training(request: HttpRequest):
    mine = selectors.my_training(acting_user(request))
    return [assignment_out(a) for a in [*mine["open"], *mine["done"]]]


@router.post(
    "/assignments",
    response={201: AssignmentOut, **ERRORS},
    summary="Assign a course to one person (outside any campaign)",
)
@org_route("people.change")
def create_assignment(request: HttpRequest, payload: AssignmentIn):
    a = svc.assign(payload.person, payload.course, due_on=payload.due_on, notes=payload.notes)
    return Status(201, assignment_out(_one(a.pk)))


@router.get("/assignments/{assignment_id}", response={200: AssignmentOut, **ERRORS})
@org_route("records.view")
def get_assignment(request: HttpRequest, assignment_id: uuid.UUID):
    return assignment_out(_one(assignment_id))


@router.delete(
    "/assignments/{assignment_id}",
    response={204: None, **ERRORS},
    summary="Withdraw an open assignment (a recorded result cannot be withdrawn)",
)
@org_route("people.change")
def delete_assignment(request: HttpRequest, assignment_id: uuid.UUID):
    svc.delete_assignment(_one(assignment_id))
    return Status(204, None)


@router.post(
    "/assignments/{assignment_id}/completion",
    response={200: AssignmentOut, **ERRORS},
    summary="Record the result; with a quiz course the score decides completed or failed",
)
@org_route("training.record")
def record_completion(request: HttpRequest, assignment_id: uuid.UUID, payload: CompletionIn):
    a = svc.record_completion(
        _one(assignment_id),
        completed_on=payload.completed_on,
        score=payload.score,
        notes=payload.notes,
    )
    return assignment_out(_one(a.pk))


@router.post(
    "/assignments/{assignment_id}/confirm",
    response={200: AssignmentOut, **ERRORS},
    summary="A manager confirms the effectiveness of a completed course (not their own)",
)
@org_route("training.confirm")
def confirm(request: HttpRequest, assignment_id: uuid.UUID, payload: ConfirmIn):
    svc.confirm_effectiveness(_one(assignment_id), user=acting_user(request), notes=payload.notes)
    return assignment_out(_one(assignment_id))


@router.post(
    "/assignments/{assignment_id}/excuse",
    response={200: AssignmentOut, **ERRORS},
    summary="Excuse an open or failed assignment, saying why",
)
@org_route("training.record")
def excuse(request: HttpRequest, assignment_id: uuid.UUID, payload: ExcuseIn):
    svc.excuse(_one(assignment_id), note=payload.note)
    return assignment_out(_one(assignment_id))


@router.post(
    "/assignments/{assignment_id}/reset",
    response={200: AssignmentOut, **ERRORS},
    summary="Open a failed or excused assignment again for a retake",
)
@org_route("training.record")
def reset(request: HttpRequest, assignment_id: uuid.UUID, payload: ResetIn):
    svc.reset(_one(assignment_id), due_on=payload.due_on)
    return assignment_out(_one(assignment_id))
