"""Template helpers of the record kit (``core.records``)."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def field_value(obj: Any, name: str) -> Any:
    """``obj.<name>`` for a column declared by name; choices show their label."""
    display = getattr(obj, f"get_{name}_display", None)
    if callable(display):
        return display()
    value = getattr(obj, name, "")
    return value() if callable(value) else value
