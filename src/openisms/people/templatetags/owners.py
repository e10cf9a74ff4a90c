"""``{{ someone|display_name }}``: a person, login or ISMS role named as everywhere else (a
built-in of every template, see settings)."""

from __future__ import annotations

from typing import Any

from django import template

from openisms.people import identity

register = template.Library()


@register.filter
def display_name(who: Any) -> str:
    return identity.display_name(who)
