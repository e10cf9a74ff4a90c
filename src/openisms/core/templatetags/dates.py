"""``{% load dates %}``: the one human date format of the pages (see ``core.dates``).

``{{ value|day }}`` → "7 Dec 2026"; ``{{ value|moment }}`` → "7 Dec 2026, 14:05 UTC" in the
display time zone. A template shared by a page and an export writes ``{{ value|day:"iso" }}``
where the export includes it (e.g. ``{% include … with date_style="iso" %}``) to get ISO 8601.
"""

from __future__ import annotations

from typing import Any

from django import template

from openisms.core import dates

register = template.Library()


@register.filter
def day(value: Any, style: str = "") -> str:
    return dates.iso_day(value) if style == "iso" else dates.human_day(value)


@register.filter
def moment(value: Any, style: str = "") -> str:
    return dates.iso_moment(value) if style == "iso" else dates.human_moment(value)
