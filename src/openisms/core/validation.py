"""Input checks shared by every form and API schema."""

from __future__ import annotations

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
