"""Input checks shared by every form and API schema."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError


def clean_text(value: str | None, field: str = "value") -> str:
    """Strip, and refuse NUL characters (PostgreSQL rejects them; SQLite would store them)."""
    value = (value or "").strip()
    if "\x00" in value:
        raise ValidationError({field: "Text may not contain NUL characters."})
    return value


def reject_nul(value: str) -> None:
    """Field validator form of :func:`clean_text`'s NUL rule."""
    if value and "\x00" in value:
        raise ValidationError("Text may not contain NUL characters.")


def as_date(value: Any, field: str) -> dt.date | None:
    """A date from a form, an API body or a service call; empty is ``None``."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationError({field: "Use a date such as 2026-03-31."}) from None
