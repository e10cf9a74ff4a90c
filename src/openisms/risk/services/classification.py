"""The organisation's information classification scheme (A.5.12): levels, lowest first."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from openisms.core.context import require_org
from openisms.core.validation import clean_text
from openisms.risk.models import ClassificationLevel


def _apply(level: ClassificationLevel, data: dict[str, Any]) -> None:
    if "name" in data:
        level.name = clean_text(data["name"], "name")[:60]
    if not level.name:
        raise ValidationError({"name": "Name the level, e.g. Confidential."})
    if "description" in data:
        level.description = clean_text(data["description"], "description")
    if "order" in data and data["order"] not in (None, ""):
        try:
            level.order = int(data["order"])
        except (TypeError, ValueError):
            raise ValidationError({"order": "Use a whole number (1 = least sensitive)."}) from None
    clash = ClassificationLevel.objects.filter(name__iexact=level.name).exclude(pk=level.pk)
    if clash.exists():
        raise ValidationError({"name": f"There is already a level called “{level.name}”."})


@transaction.atomic
def create_level(data: dict[str, Any]) -> ClassificationLevel:
    last = ClassificationLevel.objects.order_by("-order").first()
    level = ClassificationLevel(organisation=require_org(), order=(last.order + 1 if last else 1))
    _apply(level, {"name": "", **data})
    level.save()
    return level


@transaction.atomic
def update_level(level: ClassificationLevel, data: dict[str, Any]) -> ClassificationLevel:
    _apply(level, data)
    level.save()
    return level


def delete_level(level: ClassificationLevel) -> None:
    used = level.assets.count()
    if used:
        raise ValidationError(
            f"{used} asset(s) are classified “{level.name}”; reclassify them before deleting it."
        )
    # Other modules classify their records with the same scheme (documents, later evidence).
    from django.db.models import ProtectedError

    try:
        level.delete()
    except ProtectedError as exc:
        raise ValidationError(
            f"{len(exc.protected_objects)} record(s) such as documents are classified "
            f"“{level.name}”; reclassify them before deleting it."
        ) from None
