"""The people module's kind of “Waiting for me” (see :mod:`openisms.core.inbox`): training
assigned to me and not completed yet."""

from __future__ import annotations

from django.db.models import F

from openisms.core import inbox
from openisms.core.inbox import InboxItem, Kind, Who
from openisms.people.models import AssignmentStatus, TrainingAssignment


def training(who: Who) -> list[InboxItem]:
    rows = (
        TrainingAssignment.objects.filter(
            person__user_id=who.user_id, status=AssignmentStatus.ASSIGNED
        )
        .select_related("course")
        .order_by(F("due_on").asc(nulls_last=True), "assigned_on")[: who.limit]
    )
    return [
        who.item(
            "people.training",
            a.course.title,
            "do",
            who.link("core:people:mine"),
            due=a.due_on,
        )
        for a in rows
    ]


def register() -> None:
    inbox.register(Kind("people.training", "Training to complete", training, order=75))
