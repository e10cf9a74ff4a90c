"""The SoA validation rules that compare a control with other registers: risks and treatment
actions, documents, requirements, training, and the catalogue's guidance.

Each reader is one grouped query over the controls it is asked about (or none when it is asked
about none), so the validation stays a fixed number of queries whatever the size of the data.
The links are read through ``Control.documents`` and ``Control.obligations`` — the one table
per relation that every page writes.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Min, Q

from openisms.controls.models import Control
from openisms.risk.models import ActionStatus, Risk, RiskStatus, TreatmentAction
from openisms.risk.models.treatment import OPEN_ACTION_STATUSES

AWARENESS_CONTROL = "A.6.3"  # information security awareness, education and training
SIMILAR = 0.9  # difflib ratio from which an implementation text counts as the guidance's


@dataclass(frozen=True)
class Linked:
    """How many records of one kind link to a control, and the first of them by reference."""

    count: int
    first: str

    def named(self, kind: str, plural: str = "") -> str:
        plural = plural or f"{kind}s"
        if self.count == 1:
            return f"{kind} {self.first}"
        return f"{self.count} {plural} ({self.first} and {self.count - 1} more)"


def _grouped(qs: Any, key: str, label: str, distinct: str) -> dict[Any, Linked]:
    rows = qs.order_by().values(key).annotate(n=Count(distinct, distinct=True), first=Min(label))
    return {r[key]: Linked(r["n"], r["first"] or "") for r in rows}


def risks_treating(requirement_ids: Iterable[Any]) -> dict[Any, Linked]:
    """Open risks (not closed) that list each Annex A requirement as a treatment control."""
    ids = list(requirement_ids)
    if not ids:
        return {}
    links = Risk.controls.through.objects.filter(
        requirement_id__in=ids, risk__deleted_at__isnull=True
    ).exclude(risk__status=RiskStatus.CLOSED)
    return _grouped(links, "requirement_id", "risk__ref", "risk_id")


@dataclass(frozen=True)
class ActionFacts:
    live: dict[Any, Linked]  # actions not cancelled, on risks not closed (planned, doing, done)
    open: dict[Any, Linked]  # planned or in progress


def actions_on(requirement_ids: Iterable[Any]) -> ActionFacts:
    """Treatment actions that implement each Annex A requirement, one query."""
    ids = list(requirement_ids)
    if not ids:
        return ActionFacts({}, {})
    rows = (
        TreatmentAction.objects.filter(control_id__in=ids)
        .exclude(status=ActionStatus.CANCELLED)
        .exclude(risk__status=RiskStatus.CLOSED)
        .order_by()
        .values("control_id", "status")
        .annotate(n=Count("id"), first=Min("risk__ref"))
    )
    live: dict[Any, tuple[int, str]] = {}
    open_: dict[Any, tuple[int, str]] = {}
    for r in rows:
        key = r["control_id"]
        targets = [live, open_] if r["status"] in OPEN_ACTION_STATUSES else [live]
        for target in targets:
            n, first = target.get(key, (0, ""))
            target[key] = (n + r["n"], min(first, r["first"]) if first else r["first"])
    return ActionFacts(
        {k: Linked(*v) for k, v in live.items()}, {k: Linked(*v) for k, v in open_.items()}
    )


def published_documents(control_ids: Iterable[Any]) -> dict[Any, Linked]:
    from openisms.documents.models import DocumentStatus

    ids = list(control_ids)
    if not ids:
        return {}
    links = Control.documents.through.objects.filter(
        control_id__in=ids,
        document__status=DocumentStatus.PUBLISHED,
        document__deleted_at__isnull=True,
    )
    return _grouped(links, "control_id", "document__ref", "document_id")


def active_requirements(control_ids: Iterable[Any]) -> dict[Any, Linked]:
    ids = list(control_ids)
    if not ids:
        return {}
    links = Control.obligations.through.objects.filter(
        control_id__in=ids, obligation__is_active=True, obligation__deleted_at__isnull=True
    )
    return _grouped(links, "control_id", "obligation__ref", "obligation_id")


def training_completions() -> tuple[int, str]:
    """Completed training (awareness modules counted first): how many, and one course title."""
    from openisms.people.models import AssignmentStatus, CourseKind, TrainingAssignment

    done = TrainingAssignment.objects.filter(status=AssignmentStatus.COMPLETED).order_by()
    found = done.aggregate(
        n=Count("id"),
        awareness=Count("id", filter=Q(course__kind=CourseKind.AWARENESS)),
        awareness_title=Min("course__title", filter=Q(course__kind=CourseKind.AWARENESS)),
        any_title=Min("course__title"),
    )
    return found["n"], found["awareness_title"] or found["any_title"] or ""


_WORDS = re.compile(r"\w+")


def words(text: str) -> list[str]:
    """The text as lower-case words: spacing, case and punctuation do not count."""
    return _WORDS.findall((text or "").casefold())


def copies_guidance(implementation: str, guidance: dict[str, Any] | None) -> bool:
    """Whether the implementation text is the catalogue's guidance, word for word or nearly.

    Compared word by word (a few dozen words, not characters), and only texts of comparable
    length: a similarity of 0.9 is impossible otherwise, so most pairs cost nothing.
    """
    mine = words(implementation)
    if not mine:
        return False
    for value in (guidance or {}).values():
        if not isinstance(value, str):
            continue
        theirs = words(value)
        if not theirs:
            continue
        if mine == theirs:
            return True
        shorter, longer = sorted((len(mine), len(theirs)))
        if 2 * shorter / (shorter + longer) < SIMILAR:
            continue
        matcher = difflib.SequenceMatcher(None, mine, theirs, autojunk=False)
        if matcher.quick_ratio() >= SIMILAR and matcher.ratio() >= SIMILAR:
            return True
    return False
