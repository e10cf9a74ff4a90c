"""Checks every context service shares: choices, free text, records named by ref or id."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from openisms.core.validation import clean_text


def set_text(obj: Any, data: dict[str, Any], names: Iterable[str]) -> None:
    for name in names:
        if name in data:
            setattr(obj, name, clean_text(data[name], name))


def set_choice(
    obj: Any, data: dict[str, Any], name: str, choices: type[models.TextChoices]
) -> None:
    if name in data:
        value = data[name]
        if value not in choices.values:
            raise ValidationError({name: f"Choose one of: {', '.join(choices.values)}."})
        setattr(obj, name, value)


def set_flag(obj: Any, data: dict[str, Any], name: str) -> None:
    if name in data:
        value = data[name]
        if not isinstance(value, bool):
            raise ValidationError({name: "Use true or false."})
        setattr(obj, name, value)


def by_refs(model: type[models.Model], values: Iterable[Any] | None, field: str) -> list[Any]:
    """Records of the current organisation named by ref (instances are re-checked by their ref,
    so a record of another organisation is never linked)."""
    refs = [v.ref if isinstance(v, model) else clean_text(str(v), field) for v in values or []]
    wanted = list(dict.fromkeys(r for r in refs if r))
    found = {o.ref: o for o in model.objects.filter(ref__in=wanted)}
    unknown = [r for r in wanted if r not in found]
    if unknown:
        raise ValidationError({field: f"Unknown {field}: {', '.join(unknown)}."})
    return [found[r] for r in wanted]


def by_ids(model: type[models.Model], values: Iterable[Any] | None, field: str) -> list[Any]:
    """Records of the current organisation named by primary key (or given as instances)."""
    ids = [str(v.pk) if isinstance(v, model) else str(v).strip() for v in values or []]
    wanted = list(dict.fromkeys(i for i in ids if i))
    try:
        found = {str(o.pk): o for o in model.objects.filter(pk__in=wanted)}
    except (ValueError, ValidationError):
        found = {}
    unknown = [i for i in wanted if i not in found]
    if unknown:
        label = model._meta.verbose_name_plural
        raise ValidationError({field: f"Unknown {label}: {', '.join(unknown)}."})
    return [found[i] for i in wanted]
