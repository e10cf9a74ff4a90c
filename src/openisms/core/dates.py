"""One way to write dates: a human format on pages, ISO 8601 in files and exports.

Pages show "7 Dec 2026" and "7 Dec 2026, 14:05 UTC": the day without a leading zero and the
time zone named, because a reader cannot tell which zone a bare time is in. The display zone is
Django's current one (``settings.TIME_ZONE``, set through ``OPENISMS_TIME_ZONE``). Exports, CSV,
JSON and anything a machine reads use :func:`iso_day` / :func:`iso_moment` instead.

The template filters in ``core/templatetags/dates.py`` (``{% load dates %}``, ``|day``,
``|moment``) call these functions, so Python code that builds page text (messages, checklist
details, validation findings) writes dates exactly as the templates do.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _local(value: dt.datetime) -> dt.datetime:
    # Naive datetimes (USE_TZ off, or values built by hand) are taken as display time already.
    return timezone.localtime(value) if timezone.is_aware(value) else value


def zone_name(value: dt.datetime) -> str:
    """The zone's abbreviation (UTC, CET, EST) or, where it has none, its offset (UTC+03:00)."""
    name = value.tzname() or ""
    if name and name.isalpha():
        return name
    offset = value.utcoffset()
    if offset is None:
        return str(timezone.get_current_timezone())
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return "UTC" if minutes == 0 else f"UTC{sign}{hours:02d}:{mins:02d}"


def as_day(value: Any) -> dt.date | None:
    """The calendar day of a date or datetime, in the display time zone; None if neither."""
    if isinstance(value, dt.datetime):
        return _local(value).date()
    if isinstance(value, dt.date):
        return value
    return None


def human_day(value: Any) -> str:
    """``7 Dec 2026``; empty for None (so ``|default:"never"`` still works in templates)."""
    day = as_day(value)
    if day is None:
        return ""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def human_moment(value: Any) -> str:
    """``7 Dec 2026, 14:05 UTC`` in the display time zone; a bare date gives its day only."""
    if not isinstance(value, dt.datetime):
        return human_day(value)
    local = _local(value)
    zone = f" {zone_name(local)}" if timezone.is_aware(local) else ""
    return f"{human_day(local)}, {local:%H:%M}{zone}"


def iso_day(value: Any) -> str:
    """``2026-12-07`` for files and exports."""
    day = as_day(value)
    return day.isoformat() if day is not None else ""


def iso_moment(value: Any) -> str:
    """``2026-12-07 14:05 UTC`` for files and exports: always UTC, whatever the display zone."""
    if not isinstance(value, dt.datetime):
        return iso_day(value)
    if timezone.is_aware(value):
        return f"{value.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC"
    return f"{value:%Y-%m-%d %H:%M}"
