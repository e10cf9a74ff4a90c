"""Writes of training and awareness (7.2, 7.3): courses, campaigns, assignments, results.

An assignment is *assigned* until a result is recorded: a quiz course's score decides
*completed* (score ≥ pass score) or *failed*; other courses are *completed*. A failed
assignment can be reset for a retake (the earlier attempt stays in its notes and the audit
trail). Courses whose effectiveness is shown by a manager need a confirmation
(``training.confirm``) by someone other than the trainee. *Excused* needs a note saying why.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from openisms.core.context import require_org
from openisms.core.services.lookups import own, own_many
from openisms.core.validation import as_date, clean_text
from openisms.people.models import (
    AssignmentStatus,
    Campaign,
    CampaignStatus,
    Competence,
    Course,
    CourseKind,
    Effectiveness,
    Person,
    TrainingAssignment,
)

DEFAULT_PASS_SCORE = 80


def _whole(value: Any, field: str, low: int, high: int, message: str) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise ValidationError({field: message})
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError({field: message}) from None
    if number != value and str(number) != str(value).strip():
        raise ValidationError({field: message})
    if not low <= number <= high:
        raise ValidationError({field: message})
    return number


# --- courses ------------------------------------------------------------------------------


def _apply_course(course: Course, data: dict[str, Any]) -> list[Competence] | None:
    for name in ("title", "description"):
        if name in data:
            setattr(course, name, clean_text(data[name], name))
    if not course.title:
        raise ValidationError({"title": "Give the course a title."})
    if "kind" in data:
        if data["kind"] not in CourseKind.values:
            raise ValidationError({"kind": f"Choose one of: {', '.join(CourseKind.values)}."})
        course.kind = data["kind"]
    if "effectiveness" in data:
        if data["effectiveness"] not in Effectiveness.values:
            raise ValidationError(
                {"effectiveness": f"Choose one of: {', '.join(Effectiveness.values)}."}
            )
        course.effectiveness = data["effectiveness"]
    if "duration_minutes" in data:
        course.duration_minutes = _whole(
            data["duration_minutes"], "duration_minutes", 1, 10_000,
            "Use whole minutes from 1 to 10000, or leave it empty.",
        )  # fmt: skip
    if "pass_score" in data:
        course.pass_score = _whole(
            data["pass_score"], "pass_score", 0, 100, "Use a whole percentage from 0 to 100."
        )
    if "validity_months" in data:
        course.validity_months = _whole(
            data["validity_months"], "validity_months", 1, 240,
            "Use whole months from 1 to 240, or leave it empty (never expires).",
        )  # fmt: skip
    if "is_active" in data and data["is_active"] is not None:
        course.is_active = bool(data["is_active"])
    if course.effectiveness == Effectiveness.QUIZ and course.pass_score is None:
        raise ValidationError(
            {"pass_score": "A quiz course needs a pass score (e.g. 80), or choose another method."}
        )
    if "competences" in data:
        return own_many(Competence, data["competences"] or [], "competences")
    return None


@transaction.atomic
def create_course(data: dict[str, Any]) -> Course:
    course = Course(organisation=require_org())
    if data.get("effectiveness", Effectiveness.QUIZ) == Effectiveness.QUIZ:
        data = {"pass_score": DEFAULT_PASS_SCORE, **data}
        if data["pass_score"] in (None, ""):
            data["pass_score"] = DEFAULT_PASS_SCORE
    competences = _apply_course(course, data)
    course.full_clean(exclude=["organisation", "competences"])
    course.save()
    if competences is not None:
        course.competences.set(competences)
    return course


@transaction.atomic
def update_course(course: Course, data: dict[str, Any]) -> Course:
    competences = _apply_course(course, data)
    course.full_clean(exclude=["organisation", "competences"])
    course.save()
    if competences is not None:
        course.competences.set(competences)
    return course


def delete_course(course: Course) -> None:
    if course.assignments.exists() or course.campaigns.exists():
        raise ValidationError(
            f"{course.title} has campaigns or training records; mark it inactive instead."
        )
    course.delete()


# --- campaigns ----------------------------------------------------------------------------


def _apply_campaign(campaign: Campaign, data: dict[str, Any]) -> list[Person] | None:
    if "name" in data:
        campaign.name = clean_text(data["name"], "name")
    if not campaign.name:
        raise ValidationError({"name": "Give the campaign a name."})
    if "course" in data:
        course = own(Course, data["course"], "course")
        if course is None:
            raise ValidationError({"course": "Choose the course or awareness module."})
        if campaign.pk and campaign.status != CampaignStatus.DRAFT and course != campaign.course:
            raise ValidationError({"course": "The course cannot change once launched."})
        campaign.course = course
    if campaign.course_id is None:
        raise ValidationError({"course": "Choose the course or awareness module."})
    if "audience_all" in data and data["audience_all"] is not None:
        campaign.audience_all = bool(data["audience_all"])
    if "audience_departments" in data:
        names = [
            clean_text(str(d), "audience_departments") for d in data["audience_departments"] or []
        ]
        campaign.audience_departments = sorted({n for n in names if n})
    for name in ("starts_on", "due_on"):
        if name in data:
            setattr(campaign, name, as_date(data[name], name))
    if campaign.starts_on is None:
        campaign.starts_on = timezone.localdate()
    if campaign.due_on is None:
        raise ValidationError({"due_on": "Set the date by which the training is due."})
    if campaign.due_on < campaign.starts_on:
        raise ValidationError({"due_on": "The due date cannot be before the start."})
    if "audience_people" in data:
        return own_many(Person, data["audience_people"] or [], "audience_people")
    return None


@transaction.atomic
def create_campaign(data: dict[str, Any]) -> Campaign:
    campaign = Campaign(organisation=require_org())
    people = _apply_campaign(campaign, data)
    campaign.full_clean(exclude=["organisation", "course", "audience_people"])
    campaign.save()
    if people is not None:
        campaign.audience_people.set(people)
    return campaign


@transaction.atomic
def update_campaign(campaign: Campaign, data: dict[str, Any]) -> Campaign:
    if campaign.status == CampaignStatus.CLOSED:
        raise ValidationError("The campaign is closed; start a new one instead.")
    people = _apply_campaign(campaign, data)
    campaign.full_clean(exclude=["organisation", "course", "audience_people"])
    campaign.save()
    if people is not None:
        campaign.audience_people.set(people)
    return campaign


def delete_campaign(campaign: Campaign) -> None:
    if campaign.status != CampaignStatus.DRAFT:
        raise ValidationError("Only a draft campaign can be deleted; close a launched one.")
    campaign.delete()


def audience(campaign: Campaign) -> QuerySet[Person]:
    """The active staff the campaign reaches: everyone, or its departments and its people."""
    people = Person.objects.filter(is_active=True)
    if not campaign.audience_all:
        wanted = Q(pk__in=campaign.audience_people.values("pk"))
        if campaign.audience_departments:
            wanted |= Q(department__in=campaign.audience_departments)
        people = people.filter(wanted)
    return people


@transaction.atomic
def launch_campaign(campaign: Campaign) -> int:
    """Assign the course to everyone in the audience who has no open assignment for it yet;
    the campaign is then running. Launching again picks up newcomers only. Returns how many
    assignments were created."""
    given, campaign = campaign, Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status == CampaignStatus.CLOSED:
        raise ValidationError("The campaign is closed; start a new one instead.")
    people = audience(campaign)
    if campaign.status == CampaignStatus.DRAFT and not people.exists():
        raise ValidationError(
            "The audience is empty: choose all staff, departments with active staff, or people."
        )
    has_it_open = TrainingAssignment.objects.filter(
        person=OuterRef("pk"), course_id=campaign.course_id, status=AssignmentStatus.ASSIGNED
    )
    targets = people.filter(~Exists(has_it_open)).values_list("pk", flat=True)
    today = timezone.localdate()
    new = [
        TrainingAssignment(
            organisation_id=campaign.organisation_id,
            person_id=pk,
            course_id=campaign.course_id,
            campaign=campaign,
            assigned_on=max(today, campaign.starts_on),
            due_on=campaign.due_on,
        )  # fmt: skip
        for pk in targets
    ]
    # One trail entry listing every new assignment: a line per person of a 2,000-person
    # campaign would bury the changes people look for.
    TrainingAssignment.objects.bulk_create(
        new, batch_size=500, audit_summary=f"{campaign.name}: {len(new)} assignments"
    )
    if campaign.status == CampaignStatus.DRAFT:
        campaign.status = CampaignStatus.RUNNING
        campaign.save()
    given.status = campaign.status
    return len(new)


def close_campaign(campaign: Campaign) -> Campaign:
    """Stop the campaign; its assignments stay as they are (open ones can still be recorded)."""
    if campaign.status != CampaignStatus.RUNNING:
        raise ValidationError("Only a running campaign can be closed.")
    campaign.status = CampaignStatus.CLOSED
    campaign.save()
    return campaign


# --- assignments --------------------------------------------------------------------------


@transaction.atomic
def assign(
    person: Person, course: Course, *, due_on: Any = None, notes: str = ""
) -> TrainingAssignment:
    """Assign a course to one person (outside any campaign)."""
    person = own(Person, person, "person")
    course = own(Course, course, "course")
    if person is None:
        raise ValidationError({"person": "Choose the person."})
    if course is None:
        raise ValidationError({"course": "Choose the course."})
    if not person.is_active:
        raise ValidationError({"person": f"{person.full_name} is no longer active."})
    if TrainingAssignment.objects.filter(
        person=person, course=course, status=AssignmentStatus.ASSIGNED
    ).exists():
        raise ValidationError({"course": f"{person.full_name} already has {course.title} open."})
    due = as_date(due_on, "due_on")
    today = timezone.localdate()
    if due is not None and due < today:
        raise ValidationError({"due_on": "The due date cannot be in the past."})
    assignment = TrainingAssignment(
        organisation=require_org(), person=person, course=course, assigned_on=today,
        due_on=due, notes=clean_text(notes, "notes"),
    )  # fmt: skip
    assignment.save()
    return assignment


@transaction.atomic
def record_completion(
    assignment: TrainingAssignment, *, completed_on: Any = None, score: Any = None, notes: str = ""
) -> TrainingAssignment:
    """Record the result. A quiz course needs the score, which decides passed or failed."""
    if assignment.status != AssignmentStatus.ASSIGNED:
        raise ValidationError(
            f"This training is {assignment.get_status_display().lower()} already; "
            "reset it for a retake first."
        )
    course = assignment.course
    day = as_date(completed_on, "completed_on") or timezone.localdate()
    if day > timezone.localdate():
        raise ValidationError({"completed_on": "The completion date cannot be in the future."})
    value = _whole(score, "score", 0, 100, "Use a whole score from 0 to 100.")
    if course.effectiveness == Effectiveness.QUIZ and value is None:
        raise ValidationError({"score": "This course is checked by a quiz: enter the score."})
    passed = value is None or course.pass_score is None or value >= course.pass_score
    if course.effectiveness != Effectiveness.QUIZ:
        passed = True  # the score is information only; a manager or nobody judges the result
    assignment.completed_on = day
    assignment.score = value
    assignment.status = AssignmentStatus.COMPLETED if passed else AssignmentStatus.FAILED
    if notes:
        assignment.notes = _append(assignment.notes, clean_text(notes, "notes"))
    assignment.save()
    return assignment


def _append(notes: str, line: str) -> str:
    return f"{notes}\n{line}" if notes else line


def confirm_effectiveness(
    assignment: TrainingAssignment, *, user: Any, notes: str = ""
) -> TrainingAssignment:
    """A manager confirms that a completed "manager confirmation" course was effective.

    The caller checks ``training.confirm``; here the rules of the record: the course asks for
    it, the training is completed, and nobody confirms their own training."""
    if assignment.course.effectiveness != Effectiveness.MANAGER:
        raise ValidationError("This course is not checked by manager confirmation.")
    if assignment.status != AssignmentStatus.COMPLETED:
        raise ValidationError("Record the completion before confirming its effectiveness.")
    if assignment.confirmed_on is not None:
        raise ValidationError("Its effectiveness was confirmed already.")
    if user is not None and assignment.person.user_id == user.pk:
        raise ValidationError("You cannot confirm your own training; ask your manager.")
    assignment.confirmed_by = user
    assignment.confirmed_on = timezone.localdate()
    if notes:
        assignment.notes = _append(assignment.notes, clean_text(notes, "notes"))
    assignment.save()
    return assignment


def excuse(assignment: TrainingAssignment, *, note: str) -> TrainingAssignment:
    note = clean_text(note, "note")
    if not note:
        raise ValidationError({"note": "Say why the person is excused."})
    if assignment.status not in (AssignmentStatus.ASSIGNED, AssignmentStatus.FAILED):
        raise ValidationError("Only open or failed training can be excused.")
    assignment.status = AssignmentStatus.EXCUSED
    assignment.notes = _append(assignment.notes, f"Excused: {note}")
    assignment.save()
    return assignment


def reset(assignment: TrainingAssignment, *, due_on: Any = None) -> TrainingAssignment:
    """Open a failed (or excused) assignment again for a retake; the earlier result is kept in
    the notes (and the audit trail)."""
    if assignment.status not in (AssignmentStatus.FAILED, AssignmentStatus.EXCUSED):
        raise ValidationError("Only failed or excused training can be reset for a retake.")
    if TrainingAssignment.objects.filter(
        person_id=assignment.person_id, course_id=assignment.course_id,
        status=AssignmentStatus.ASSIGNED,
    ).exclude(pk=assignment.pk).exists():  # fmt: skip
        raise ValidationError("The person has this course open already.")
    due = as_date(due_on, "due_on")
    if due is not None and due < timezone.localdate():
        raise ValidationError({"due_on": "The due date cannot be in the past."})
    if assignment.status == AssignmentStatus.FAILED:
        earlier = f"Attempt of {assignment.completed_on} failed with {assignment.score} %."
        assignment.notes = _append(assignment.notes, earlier)
    assignment.status = AssignmentStatus.ASSIGNED
    assignment.completed_on = None
    assignment.score = None
    assignment.confirmed_by = None
    assignment.confirmed_on = None
    if due is not None:
        assignment.due_on = due
    assignment.save()
    return assignment


def delete_assignment(assignment: TrainingAssignment) -> None:
    if assignment.status != AssignmentStatus.ASSIGNED:
        raise ValidationError("A recorded result is evidence; excuse the training instead.")
    assignment.delete()
