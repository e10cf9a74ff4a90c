"""Writes to ISMS roles (5.3), ISMS processes and the RACI matrix between them."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from openisms.catalogue.models import Requirement
from openisms.core.context import require_org
from openisms.core.services.lookups import own_many
from openisms.core.validation import clean_text
from openisms.leadership.models import IsmsProcess, IsmsRole, Raci, RaciAssignment
from openisms.people.models import Competence, Person

ROLE_TEXT = ("name", "responsibilities", "authorities")
PROCESS_TEXT = ("name", "description")
CLAUSE_SPLIT = re.compile(r"[\s,;/]+")
MAX_ORDER = 32767


def _order(value: Any) -> int:
    try:
        order = int(value)
    except (TypeError, ValueError):
        raise ValidationError({"order": "Use a whole number (0 or more)."}) from None
    if not 0 <= order <= MAX_ORDER:
        raise ValidationError({"order": f"Use a whole number from 0 to {MAX_ORDER}."})
    return order


def _unique_name(model: type, obj: Any, what: str) -> None:
    if not obj.name:
        raise ValidationError({"name": f"Give the {what} a name."})
    clash = model.objects.filter(name__iexact=obj.name).exclude(pk=obj.pk).first()
    if clash is not None:
        raise ValidationError(
            {"name": f"There is already a {what} called “{clash.name}” (names ignore case)."}
        )


# --- roles --------------------------------------------------------------------------------


def _apply_role(role: IsmsRole, data: dict[str, Any]) -> dict[str, list[Any]]:
    for name in ROLE_TEXT:
        if name in data:
            setattr(role, name, clean_text(data[name], name))
    if "order" in data:
        role.order = _order(data["order"])
    _unique_name(IsmsRole, role, "role")
    m2m: dict[str, list[Any]] = {}
    if "holders" in data:
        m2m["holders"] = own_many(Person, data["holders"], "holders")
    if "required_competences" in data:
        m2m["required_competences"] = own_many(
            Competence, data["required_competences"], "required_competences"
        )
    return m2m


def _save_role(role: IsmsRole, m2m: dict[str, list[Any]]) -> IsmsRole:
    role.full_clean(exclude=["organisation", "holders", "required_competences"])
    role.save()
    for field, objects in m2m.items():
        getattr(role, field).set(objects)
    return role


@transaction.atomic
def create_role(data: dict[str, Any]) -> IsmsRole:
    role = IsmsRole(organisation=require_org())
    if "order" not in data:
        last = IsmsRole.objects.order_by("-order").values_list("order", flat=True).first()
        role.order = min((last or 0) + 10, MAX_ORDER)
    return _save_role(role, _apply_role(role, data))


@transaction.atomic
def update_role(role: IsmsRole, data: dict[str, Any]) -> IsmsRole:
    return _save_role(role, _apply_role(role, data))


def delete_role(role: IsmsRole) -> None:
    """Its RACI cells go with it (the trail keeps them); holders and competences stay."""
    role.delete()


# --- processes ----------------------------------------------------------------------------


def clean_clause(value: str | None) -> str:
    """Clause references of ISO/IEC 27001:2022 (4–10), e.g. "6.1.2" or "7.2/7.3"; "" is fine."""
    refs = [r for r in CLAUSE_SPLIT.split(clean_text(value, "clause")) if r]
    if not refs:
        return ""
    known = set(
        Requirement.objects.filter(
            framework__slug="iso27001-2022", kind="clause", ref__in=refs
        ).values_list("ref", flat=True)
    )
    unknown = [r for r in refs if r not in known]
    if unknown:
        raise ValidationError(
            {
                "clause": f"Not a clause of ISO/IEC 27001:2022: {', '.join(unknown)}. "
                "Use references such as 6.1.2, or several separated by “/”."
            }
        )
    joined = "/".join(dict.fromkeys(refs))
    if len(joined) > IsmsProcess._meta.get_field("clause").max_length:
        raise ValidationError({"clause": "Name at most a few clauses (20 characters)."})
    return joined


def _apply_process(process: IsmsProcess, data: dict[str, Any]) -> None:
    for name in PROCESS_TEXT:
        if name in data:
            setattr(process, name, clean_text(data[name], name))
    if "clause" in data:
        process.clause = clean_clause(data["clause"])
    if "order" in data:
        process.order = _order(data["order"])
    _unique_name(IsmsProcess, process, "process")


@transaction.atomic
def create_process(data: dict[str, Any]) -> IsmsProcess:
    process = IsmsProcess(organisation=require_org())
    if "order" not in data:
        last = IsmsProcess.objects.order_by("-order").values_list("order", flat=True).first()
        process.order = min((last or 0) + 10, MAX_ORDER)
    _apply_process(process, data)
    process.full_clean(exclude=["organisation"])
    process.save()
    return process


@transaction.atomic
def update_process(process: IsmsProcess, data: dict[str, Any]) -> IsmsProcess:
    _apply_process(process, data)
    process.full_clean(exclude=["organisation"])
    process.save()
    return process


def delete_process(process: IsmsProcess) -> None:
    process.delete()


# --- RACI ---------------------------------------------------------------------------------


@transaction.atomic
def set_cell(process: IsmsProcess, role: IsmsRole, letter: str | None) -> RaciAssignment | None:
    """Set one cell of the matrix; an empty letter clears it. Returns the cell, or None."""
    org = require_org()
    if process.organisation_id != org.pk or role.organisation_id != org.pk:
        raise ValidationError("Unknown process or role.")
    letter = (letter or "").strip().upper()
    if letter in ("", "-", "–"):
        for cell in RaciAssignment.objects.filter(process=process, role=role):
            cell.delete()
        return None
    if letter not in Raci.values:
        raise ValidationError(
            {
                "letter": "Use R (responsible), A (accountable), C (consulted), I (informed) "
                "or leave it empty."
            }  # fmt: skip
        )
    cell = RaciAssignment.objects.select_for_update().filter(process=process, role=role).first()
    if cell is None:
        return RaciAssignment.objects.create(
            organisation=org, process=process, role=role, letter=letter
        )
    if cell.letter != letter:
        cell.letter = letter
        cell.save()
    return cell
