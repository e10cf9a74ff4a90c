"""Writes to the communication plan (7.4): what, when, with whom, who and how."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from openisms.core.context import require_org
from openisms.core.services.lookups import own
from openisms.core.validation import as_date, clean_text
from openisms.people.models import CommunicationItem, Person

REQUIRED = {
    "topic": "Say what is communicated.",
    "audience": "Say with whom (e.g. all staff, top management, customers).",
    "timing": "Say when (e.g. quarterly, on each change).",
    "channel": "Say how (e.g. intranet, e-mail, meeting).",
}


def _apply(item: CommunicationItem, data: dict[str, Any]) -> None:
    for name in (*REQUIRED, "notes"):
        if name in data:
            setattr(item, name, clean_text(data[name], name))
    for name, message in REQUIRED.items():
        if not getattr(item, name):
            raise ValidationError({name: message})
    if "responsible" in data:
        item.responsible = own(Person, data["responsible"], "responsible")
    for name in ("next_due", "last_done"):
        if name in data:
            setattr(item, name, as_date(data[name], name))
    if item.last_done and item.last_done > timezone.localdate():
        raise ValidationError({"last_done": "The date it was last done cannot be in the future."})


@transaction.atomic
def create_item(data: dict[str, Any]) -> CommunicationItem:
    item = CommunicationItem(organisation=require_org())
    _apply(item, data)
    item.full_clean(exclude=["organisation", "responsible"])
    item.save()
    return item


@transaction.atomic
def update_item(item: CommunicationItem, data: dict[str, Any]) -> CommunicationItem:
    _apply(item, data)
    item.full_clean(exclude=["organisation", "responsible"])
    item.save()
    return item


def mark_done(
    item: CommunicationItem, *, done_on: Any = None, next_due: Any = None
) -> CommunicationItem:
    """Record that it was communicated (``done_on``, default today) and, if given, when next.

    The next date is the user's to set: "on change" or "after each incident" has no rhythm to
    compute from. Without one, a next date already in the future stays; a past one is cleared
    so that the item does not look overdue after it was done."""
    day = as_date(done_on, "done_on") or timezone.localdate()
    if day > timezone.localdate():
        raise ValidationError({"done_on": "The date it was done cannot be in the future."})
    due = as_date(next_due, "next_due")
    if due is not None and due <= day:
        raise ValidationError({"next_due": "The next date must come after the date it was done."})
    item.last_done = day
    if due is not None:
        item.next_due = due
    elif item.next_due is not None and item.next_due <= day:
        item.next_due = None
    item.save()
    return item


def delete_item(item: CommunicationItem) -> None:
    item.delete()
