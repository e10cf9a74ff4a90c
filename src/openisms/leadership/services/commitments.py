"""Writes to the record of top management's commitment (5.1): decisions and resources."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from openisms.core.context import require_org
from openisms.core.validation import as_date, clean_text
from openisms.leadership.models import Commitment, CommitmentKind

TEXT = ("title", "description", "decided_by")
EARLIEST = dt.date(1990, 1, 1)


def _date(value: Any) -> dt.date:
    day = as_date(value, "date")
    if day is None:
        raise ValidationError({"date": "Give the date of the decision or grant."})
    return day


def _decimal(value: Any, field: str) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValidationError({field: "Give a number, e.g. 45000 or 12.5."})
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise ValidationError({field: "Give a number, e.g. 45000 or 12.5."}) from None
    if not number.is_finite():
        raise ValidationError({field: "Give a number, e.g. 45000 or 12.5."})
    if number < 0:
        raise ValidationError({field: "Use zero or more."})
    return number


def _apply(item: Commitment, data: dict[str, Any]) -> None:
    for name in TEXT:
        if name in data:
            setattr(item, name, clean_text(data[name], name))
    if not item.title:
        raise ValidationError({"title": "Say in a few words what was decided or granted."})
    if "kind" in data:
        if data["kind"] not in CommitmentKind.values:
            raise ValidationError({"kind": f"Choose one of: {', '.join(CommitmentKind.values)}."})
        item.kind = data["kind"]
    if "date" in data:
        day = _date(data["date"])
        if not EARLIEST <= day <= dt.date(9999, 12, 31):
            raise ValidationError({"date": "Give a date from 1990 onwards."})
        item.date = day
    for name in ("amount", "effort_days"):
        if name in data:
            setattr(item, name, _decimal(data[name], name))


def _save(item: Commitment) -> Commitment:
    try:
        item.full_clean(exclude=["organisation", "recorded_by"])
    except ValidationError as exc:
        # Django's decimal messages speak of digits; say what the limit means here.
        errors = exc.message_dict
        if "amount" in errors:
            errors["amount"] = ["Give an amount below 1,000,000,000,000 with at most 2 decimals."]
        if "effort_days" in errors:
            errors["effort_days"] = ["Give fewer than 10,000,000 days with at most 1 decimal."]
        raise ValidationError(errors) from None
    item.save()
    return item


@transaction.atomic
def create_commitment(data: dict[str, Any], *, user: Any = None) -> Commitment:
    item = Commitment(organisation=require_org(), kind=CommitmentKind.DECISION)
    item.recorded_by = user if getattr(user, "is_authenticated", False) else None
    _apply(item, data)
    return _save(item)


@transaction.atomic
def update_commitment(item: Commitment, data: dict[str, Any]) -> Commitment:
    _apply(item, data)
    return _save(item)


def delete_commitment(item: Commitment) -> None:
    item.delete()
