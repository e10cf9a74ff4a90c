"""Reads of the people module: the staff register, competences held, training progress and
overdue training, a person's own training and awareness evidence.

Every function here runs a constant number of queries whatever the number of staff or
assignments (lists are annotated or aggregated in the database, never counted row by row).
"""

from __future__ import annotations

import calendar
import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from openisms.core.dates import human_day
from openisms.people.models import (
    AssignmentStatus,
    Campaign,
    CampaignStatus,
    Effectiveness,
    Person,
    PersonCompetence,
    TrainingAssignment,
)

STAFF_FILTERS = ("department", "active", "q")
OVERDUE_FILTERS = ("department", "course", "q")


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole months, clamped to the end of a shorter month (31 Jan + 1 → 28 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def overdue_q(prefix: str = "", today: dt.date | None = None) -> Q:
    """Assigned and past its due date (prefix e.g. ``"training__"`` to use it across a join)."""
    return Q(
        **{
            f"{prefix}status": AssignmentStatus.ASSIGNED,
            f"{prefix}due_on__lt": today or timezone.localdate(),
        }
    )


# --- staff --------------------------------------------------------------------------------


def person_for_user(user: Any) -> Person | None:
    """The current organisation's member of staff linked to ``user`` (one person per user)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return Person.objects.filter(user=user).first()


def staff_register(filters: dict[str, str] | None = None) -> QuerySet[Person]:
    """Staff, filtered, each with ``n_overdue`` and ``n_open`` training (one query per page).

    ``active``: "yes" (default), "no" or "all"; ``q`` matches name, e-mail or job title.
    """
    f = {k: (v or "").strip() for k, v in (filters or {}).items()}
    today = timezone.localdate()
    qs = Person.objects.select_related("manager", "user").annotate(
        n_overdue=Count("training", filter=overdue_q("training__", today)),
        n_open=Count("training", filter=Q(training__status=AssignmentStatus.ASSIGNED)),
    )
    active = f.get("active") or "yes"
    if active == "yes":
        qs = qs.filter(is_active=True)
    elif active == "no":
        qs = qs.filter(is_active=False)
    if f.get("department"):
        qs = qs.filter(department=f["department"])
    if f.get("q"):
        q = f["q"]
        qs = qs.filter(
            Q(full_name__icontains=q) | Q(email__icontains=q) | Q(job_title__icontains=q)
        )
    return qs.order_by("full_name", "pk")


def departments() -> list[str]:
    """Department names in use, for filters and suggestions."""
    return list(
        Person.objects.exclude(department="")
        .order_by("department")
        .values_list("department", flat=True)
        .distinct()
    )


def active_people() -> QuerySet[Person]:
    return Person.objects.filter(is_active=True).order_by("full_name", "pk")


# --- competences --------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """Why a person holds a competence: a recorded ``PersonCompetence`` (``kind="record"``) or
    a passed course that grants it (``kind="course"``). ``until`` is when it lapses (None:
    never). ``str(source)`` is a short label for pages, e.g. "course Secure coding (passed
    3 Mar 2025)"."""

    kind: str
    label: str
    until: dt.date | None = None

    def __str__(self) -> str:
        return self.label


def _later(a: Source | None, b: Source) -> Source:
    """Of two sources of the same competence, keep the one that lasts longest."""
    if a is None:
        return b
    if a.until is None:
        return a
    if b.until is None or b.until > a.until:
        return b
    return a


def held_competences(
    persons: Iterable[Person | Any], today: dt.date | None = None
) -> dict[Any, dict[Any, Source]]:
    """Competences each person holds today: ``{person_id: {competence_id: Source}}``.

    ``persons`` is any iterable of ``Person`` objects or person ids (a queryset is fine).
    Two queries whatever the number of people:

    * recorded ``PersonCompetence`` rows that have not expired (``expires_on`` empty or today
      or later);
    * assignments with status *completed* of courses that grant the competence, still within
      the course's ``validity_months`` of ``completed_on``. A course whose effectiveness is
      shown by **manager confirmation** counts only once a manager confirmed it.

    A person with no competence is present with an empty dict, so callers can compare a role's
    required competences with ``held.get(person.pk, {})`` directly. When several sources give
    the same competence, the one that lasts longest is kept.
    """
    today = today or timezone.localdate()
    ids = [p.pk if isinstance(p, Person) else p for p in persons]
    held: dict[Any, dict[Any, Source]] = {pk: {} for pk in ids}
    if not ids:
        return held
    records = (
        PersonCompetence.objects.filter(person_id__in=ids)
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
        .values_list("person_id", "competence_id", "expires_on", "acquired_on")
    )
    for person_id, competence_id, expires_on, acquired_on in records:
        label = "recorded"
        if acquired_on:
            label += f" ({human_day(acquired_on)})"
        mine = held[person_id]
        mine[competence_id] = _later(mine.get(competence_id), Source("record", label, expires_on))
    passed = (
        TrainingAssignment.objects.filter(
            person_id__in=ids,
            status=AssignmentStatus.COMPLETED,
            course__competences__isnull=False,
        )
        .exclude(course__effectiveness=Effectiveness.MANAGER, confirmed_on__isnull=True)
        .values_list(
            "person_id",
            "course__competences",
            "course__title",
            "course__validity_months",
            "completed_on",
        )
    )
    for person_id, competence_id, title, months, completed_on in passed:
        if completed_on is None:
            continue
        until = add_months(completed_on, months) if months else None
        if until is not None and until < today:
            continue
        source = Source("course", f"course {title} (passed {human_day(completed_on)})", until)
        mine = held[person_id]
        mine[competence_id] = _later(mine.get(competence_id), source)
    return held


# --- training -----------------------------------------------------------------------------


def with_progress(campaigns: QuerySet[Campaign]) -> QuerySet[Campaign]:
    """Campaigns annotated with assignment counts by state (one query for the whole list)."""
    today = timezone.localdate()
    a = "assignments__"
    return campaigns.annotate(
        n_total=Count("assignments"),
        n_completed=Count("assignments", filter=Q(**{f"{a}status": AssignmentStatus.COMPLETED})),
        n_failed=Count("assignments", filter=Q(**{f"{a}status": AssignmentStatus.FAILED})),
        n_excused=Count("assignments", filter=Q(**{f"{a}status": AssignmentStatus.EXCUSED})),
        n_assigned=Count("assignments", filter=Q(**{f"{a}status": AssignmentStatus.ASSIGNED})),
        n_overdue=Count("assignments", filter=overdue_q(a, today)),
    )


@dataclass(frozen=True)
class Progress:
    """Counts of a campaign's assignments and the share of each state in whole percent.

    Percentages are of the assignments that still count (excused ones are left out)."""

    total: int
    assigned: int
    completed: int
    failed: int
    excused: int
    overdue: int

    @property
    def counted(self) -> int:
        return self.total - self.excused

    def _pct(self, n: int) -> int:
        return round(100 * n / self.counted) if self.counted else 0

    @property
    def pct_completed(self) -> int:
        return self._pct(self.completed)

    @property
    def pct_failed(self) -> int:
        return min(self._pct(self.failed), 100 - self.pct_completed)

    @property
    def pct_overdue(self) -> int:
        return min(self._pct(self.overdue), 100 - self.pct_completed - self.pct_failed)

    @property
    def x_failed(self) -> int:
        return self.pct_completed

    @property
    def x_overdue(self) -> int:
        return self.pct_completed + self.pct_failed


def progress_of(campaign: Campaign) -> Progress:
    """Progress of an annotated campaign (see :func:`with_progress`)."""
    return Progress(
        total=campaign.n_total,
        assigned=campaign.n_assigned,
        completed=campaign.n_completed,
        failed=campaign.n_failed,
        excused=campaign.n_excused,
        overdue=campaign.n_overdue,
    )


def campaigns(status: str = "") -> QuerySet[Campaign]:
    qs = with_progress(Campaign.objects.select_related("course"))
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-starts_on", "name")


def running_campaigns() -> list[tuple[Campaign, Progress]]:
    return [(c, progress_of(c)) for c in campaigns(CampaignStatus.RUNNING)]


def assignments(filters: dict[str, str] | None = None) -> QuerySet[TrainingAssignment]:
    """Assignments with person, course and campaign, filterable by ``person``, ``course``,
    ``campaign`` (ids), ``status``, ``department``, ``overdue`` ("1") and ``q`` (name)."""
    f = {k: (v or "").strip() for k, v in (filters or {}).items()}
    qs = TrainingAssignment.objects.select_related("person", "course", "campaign", "confirmed_by")
    for key in ("person", "course", "campaign"):
        if f.get(key):
            try:
                qs = qs.filter(**{f"{key}_id": uuid.UUID(f[key])})
            except ValueError:  # a malformed id matches nothing
                return qs.none()
    if f.get("status"):
        qs = qs.filter(status=f["status"])
    if f.get("overdue") in ("1", "true", "yes"):
        qs = qs.filter(overdue_q())
    if f.get("department"):
        qs = qs.filter(person__department=f["department"])
    if f.get("q"):
        qs = qs.filter(person__full_name__icontains=f["q"])
    return qs.order_by("due_on", "person__full_name", "pk")


def overdue(filters: dict[str, str] | None = None) -> QuerySet[TrainingAssignment]:
    """All overdue assignments (assigned, due date past), oldest due first."""
    return assignments({**(filters or {}), "overdue": "1"})


def overdue_count() -> int:
    return TrainingAssignment.objects.filter(overdue_q()).count()


def training_of(person: Person) -> QuerySet[TrainingAssignment]:
    """A person's training history, newest first."""
    return (
        TrainingAssignment.objects.filter(person=person)
        .select_related("course", "campaign", "confirmed_by")
        .order_by("-assigned_on", "course__title")
    )


def my_training(user: Any) -> dict[str, Any]:
    """The logged-in user's member of staff and their assignments (open ones first)."""
    person = person_for_user(user)
    if person is None:
        return {"person": None, "open": [], "done": []}
    rows = list(training_of(person))
    return {
        "person": person,
        "open": sorted(
            (a for a in rows if a.status == AssignmentStatus.ASSIGNED),
            key=lambda a: (a.due_on or dt.date.max, a.course.title),
        ),
        "done": [a for a in rows if a.status != AssignmentStatus.ASSIGNED],
    }


def awareness_evidence(person: Person) -> list[Any]:
    """The person's policy acknowledgements (documents app), newest first: each has
    ``version`` (with ``document``), ``requested_at``, ``due_on`` and ``acknowledged_at``
    (None while still outstanding). Read-only; empty while no policy asked them."""
    from openisms.documents.models import Acknowledgement

    return list(
        Acknowledgement.objects.filter(person=person)
        .select_related("version__document")
        .order_by("-requested_at")
    )
