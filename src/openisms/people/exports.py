"""Competence and training records (7.2) as XLSX (two sheets under one header block) or CSV (one
table, a "Record" column telling the two kinds apart).

Competences held lists every source, not only the one that counts today: recorded evidence
(with its dates) and passed courses that grant a competence, each with whether it is held,
expired or still awaits the manager's confirmation the course asks for — the same rules as
``people.selectors.held_competences``. Four queries whatever the number of staff.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from openisms.core.register_exports import Register, RegisterKind, Sheet, add, name_of
from openisms.people.models import (
    AssignmentStatus,
    Effectiveness,
    PersonCompetence,
    TrainingAssignment,
)
from openisms.people.selectors import add_months

HELD_HEADERS = [
    "Person", "Department", "Competence", "Source", "Course", "Obtained", "Expires", "Status",
    "Evidence",
]  # fmt: skip
HELD_WIDTHS = [26, 18, 30, 10, 30, 12, 12, 26, 40]
TRAINING_HEADERS = [
    "Person", "Department", "Course", "Campaign", "Assigned", "Due", "Completed", "Score (%)",
    "Status", "Confirmed by", "Confirmed on",
]  # fmt: skip
TRAINING_WIDTHS = [26, 18, 30, 30, 12, 12, 12, 10, 20, 24, 12]
CSV_HEADERS = [
    "Record", "Person", "Department", "Competence", "Course", "Campaign", "Source",
    "Obtained or assigned", "Due", "Completed", "Expires", "Score (%)", "Status",
]  # fmt: skip


def _held_rows(today: dt.date) -> list[dict[str, Any]]:
    found = []
    for pc in PersonCompetence.objects.select_related("person", "competence"):
        expired = pc.expires_on is not None and pc.expires_on < today
        found.append(
            {
                "person": name_of(pc.person), "department": pc.person.department,
                "competence": pc.competence.name, "source": "Recorded", "course": "",
                "obtained": pc.acquired_on, "expires": pc.expires_on,
                "status": "Expired" if expired else "Held", "evidence": pc.evidence,
            }
        )  # fmt: skip
    passed = (
        TrainingAssignment.objects.filter(
            status=AssignmentStatus.COMPLETED, course__competences__isnull=False
        )
        .order_by()
        .values_list(
            "person__full_name", "person__department", "course__competences__name",
            "course__title", "course__validity_months", "course__effectiveness", "completed_on",
            "confirmed_on",
        )
    )  # fmt: skip
    for person, department, competence, course, months, effectiveness, done, confirmed in passed:
        until = add_months(done, months) if done and months else None
        if effectiveness == Effectiveness.MANAGER and confirmed is None:
            status = "Awaiting manager confirmation"
        elif until is not None and until < today:
            status = "Expired"
        else:
            status = "Held"
        found.append(
            {
                "person": person, "department": department, "competence": competence,
                "source": "Course", "course": course, "obtained": done, "expires": until,
                "status": status, "evidence": "",
            }
        )  # fmt: skip
    found.sort(key=lambda r: (r["person"].casefold(), r["competence"].casefold(), r["source"]))
    return found


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"


def _status(a: TrainingAssignment, today: dt.date) -> str:
    label = a.get_status_display()
    if a.status == AssignmentStatus.ASSIGNED and a.due_on is not None and a.due_on < today:
        return f"{label} (overdue)"
    return label


def _training() -> list[TrainingAssignment]:
    return list(
        TrainingAssignment.objects.select_related(
            "person", "course", "campaign", "confirmed_by"
        ).order_by("person__full_name", "assigned_on", "course__title", "pk")
    )


def build_competence() -> Register:
    today = timezone.localdate()
    held = _held_rows(today)
    training = _training()
    held_rows = [
        [r["person"], r["department"], r["competence"], r["source"], r["course"],
         r["obtained"], r["expires"], r["status"], r["evidence"]]
        for r in held
    ]  # fmt: skip
    training_rows = [
        [
            name_of(a.person),
            a.person.department,
            a.course.title,
            a.campaign.name if a.campaign else "",
            a.assigned_on,
            a.due_on,
            a.completed_on,
            a.score,
            _status(a, today),
            name_of(a.confirmed_by),
            a.confirmed_on,
        ]  # fmt: skip
        for a in training
    ]
    csv_rows = [
        ["Competence held", r["person"], r["department"], r["competence"], r["course"], "",
         r["source"], r["obtained"], None, None, r["expires"], None, r["status"]]
        for r in held
    ] + [
        ["Training", row[0], row[1], "", row[2], row[3], "", row[4], row[5], row[6], None,
         row[7], row[8]]
        for row in training_rows
    ]  # fmt: skip
    return Register(
        what=(
            "Competence and training records: competences held and training assigned and "
            "completed (ISO/IEC 27001:2022 clause 7.2)"
        ),
        sheets=[
            Sheet("Competences held", HELD_HEADERS, held_rows, HELD_WIDTHS),
            Sheet("Training records", TRAINING_HEADERS, training_rows, TRAINING_WIDTHS),
        ],
        details=[
            (
                "Competences held",
                f"{sum(1 for r in held if r['status'] == 'Held')} held of {len(held)} recorded",
            ),
            ("Training records", len(training_rows)),
            ("Status as of", today),
        ],  # fmt: skip
        csv=Sheet("Competence and training", CSV_HEADERS, csv_rows),
        summary=f"{_count(len(held), 'competence record')} and "
        f"{_count(len(training_rows), 'training record')}",
    )


def register() -> None:
    add(RegisterKind("competence", build_competence, "competence and training records (7.2)"))
