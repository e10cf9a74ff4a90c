"""Turning ids (or instances) from forms, API bodies and imports into records of the current
organisation. Instances are looked up again too: a primary key from outside is never trusted."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError


def own(model: type, value: Any, field: str) -> Any:
    """The ``model`` record of the current organisation named by ``value``; ``None`` if empty."""
    if value in (None, ""):
        return None
    pk = value.pk if hasattr(value, "pk") else value
    try:
        return model.objects.get(pk=pk)
    except (model.DoesNotExist, ValueError, ValidationError):
        raise ValidationError({field: f"Unknown {model._meta.verbose_name}: {value}."}) from None


def own_many(model: type, values: Any, field: str) -> list[Any]:
    """Records of the current organisation, in the order given, duplicates dropped, one query."""
    keys: list[Any] = []
    bad: list[str] = []
    for v in values or []:
        raw = v.pk if hasattr(v, "pk") else v
        if raw in (None, ""):
            continue
        try:
            key = raw if isinstance(raw, uuid.UUID) else uuid.UUID(str(raw).strip())
        except ValueError:
            bad.append(str(raw))
            continue
        if key not in keys:
            keys.append(key)
    found = model.objects.in_bulk(keys) if keys else {}
    unknown = bad + [str(k) for k in keys if k not in found]
    if unknown:
        label = model._meta.verbose_name_plural if len(unknown) > 1 else model._meta.verbose_name
        raise ValidationError({field: f"Unknown {label}: {', '.join(unknown[:5])}."})
    return [found[k] for k in keys]
