"""Writes of the control implementation records: the applicability decision, the
implementation, and the organisation's own controls (clause 6.1.3 d–e).

Who may: ``controls.change`` changes anything; ``controls.implement`` alone (a contributor)
changes only the implementation fields of the controls the user owns. Every save goes through
the scoped models, so the audit trail records it without any code here.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from openisms.catalogue.selectors import annex_a_controls
from openisms.controls.models import Control, ImplementationStatus
from openisms.controls.services.setup import OWN_ORDER
from openisms.core.context import require_org
from openisms.core.models.sequence import next_ref
from openisms.core.permissions import can
from openisms.people.identity import is_owner, resolve_owner

DECISION_FIELDS = ("applicable", "exclusion_justification", "business_need", "obligations")
IMPLEMENTATION_FIELDS = ("status", "target_date", "implementation", "documents")
FIELDS = (*DECISION_FIELDS, "owner", *IMPLEMENTATION_FIELDS)
TEXT_LIMIT = 20_000
ANNEX_A_LIKE = re.compile(r"^\s*A\s*\.?\s*\d+(\.\d+)*\s*$", re.IGNORECASE)
OWN_REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,29}$")


def may_implement(control: Control, user: Any, role: str) -> bool:
    """Whether ``user`` may change the implementation fields of ``control``."""
    if can(role, "controls.change"):
        return True
    return can(role, "controls.implement") and is_owner(control, user)


def check_permission(control: Control, fields: set[str], user: Any, role: str) -> None:
    if can(role, "controls.change"):
        return
    if not may_implement(control, user, role):
        raise PermissionDenied("Only the control's owner or an ISMS manager may change it.")
    others = sorted(fields - set(IMPLEMENTATION_FIELDS))
    if others:
        raise PermissionDenied(
            f"As the control's owner you may change its implementation only, not: "
            f"{', '.join(others)}."
        )


def _text(data: dict[str, Any], name: str, errors: dict[str, str]) -> None:
    if name in data:
        value = (data[name] or "").strip()
        if len(value) > TEXT_LIMIT:
            errors[name] = f"Keep it under {TEXT_LIMIT:,} characters."
        data[name] = value


def _same_org(items: Any, name: str, errors: dict[str, str]) -> list[Any]:
    org = require_org()
    items = list(items or [])
    if any(getattr(i, "organisation_id", None) != org.pk for i in items):
        errors[name] = "Pick records of this organisation only."
    return items


def _clean(control: Control, data: dict[str, Any]) -> dict[str, Any]:
    unknown = set(data) - set(FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: "This field cannot be changed here."})
    data = dict(data)
    errors: dict[str, str] = {}
    for name in ("exclusion_justification", "business_need", "implementation"):
        _text(data, name, errors)
    if "applicable" in data and data["applicable"] not in (True, False, None):
        errors["applicable"] = "Answer yes, no, or leave it undecided."
    if "status" in data and data["status"] not in ImplementationStatus.values:
        errors["status"] = "Pick one of the listed statuses."
    target = data.get("target_date")
    if target is not None and not isinstance(target, dt.date):
        errors["target_date"] = "Give a date."
    if "owner" in data:
        try:
            data["owner"] = resolve_owner(data["owner"], "owner")
        except ValidationError as exc:
            errors.update({k: " ".join(v) for k, v in exc.message_dict.items()})
    for name in ("obligations", "documents"):
        if name in data:
            data[name] = _same_org(data[name], name, errors)
    if errors:
        raise ValidationError(errors)

    applicable = data.get("applicable", control.applicable)
    justification = data.get("exclusion_justification", control.exclusion_justification)
    status = data.get("status", control.status)
    if applicable is False:
        if not justification:
            errors["exclusion_justification"] = (
                "Say why the control is excluded: an auditor rejects an exclusion without "
                "a justification."
            )
        status = ImplementationStatus.NOT_APPLICABLE
    elif status == ImplementationStatus.NOT_APPLICABLE:
        if "status" in data:
            errors["status"] = (
                "“Not applicable” follows from the decision: mark the control as not "
                "applicable (with a justification) instead."
            )
        else:
            # The control was excluded before and is now included (or undecided) again.
            status = ImplementationStatus.NOT_STARTED
    if applicable is not False and "applicable" in data:
        data["exclusion_justification"] = ""
    if errors:
        raise ValidationError(errors)
    data["status"] = status
    return data


@transaction.atomic
def update_control(control: Control, data: dict[str, Any], *, user: Any, role: str) -> Control:
    """Change the decision and/or implementation of ``control`` (only the keys given)."""
    check_permission(control, set(data), user, role)
    if (
        not can(role, "controls.change")
        and data.get("status") == ImplementationStatus.NOT_APPLICABLE
    ):
        raise PermissionDenied("Only an ISMS manager may exclude a control.")
    data = _clean(control, data)
    m2m = {k: data.pop(k) for k in ("obligations", "documents") if k in data}
    for name, value in data.items():
        setattr(control, name, value)
    control.save()
    for name, value in m2m.items():
        getattr(control, name).set(value)
    return control


# --- own controls --------------------------------------------------------------------------


def _own_fields(data: dict[str, Any], control: Control | None) -> dict[str, Any]:
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    if "title" in data or control is None:
        title = (data.get("title") or "").strip()
        if not title:
            errors["title"] = "Give the control a title."
        elif len(title) > 300:
            errors["title"] = "Keep the title under 300 characters."
        out["title"] = title
    if "ref" in data:
        ref = (data.get("ref") or "").strip()
        if ref:
            if ANNEX_A_LIKE.match(ref):
                errors["ref"] = "A.x.y references belong to Annex A: pick your own, e.g. ORG-001."
            elif not OWN_REF.match(ref):
                errors["ref"] = "Use letters, digits, dots, dashes or underscores (at most 30)."
            elif Control.objects.filter(ref=ref).exclude(pk=getattr(control, "pk", None)).exists():
                errors["ref"] = f"{ref} is already used in this organisation."
            out["ref"] = ref
    if "maps_to" in data or control is None:
        try:
            maps_to = annex_a_controls(data.get("maps_to") or [], "maps_to")
        except ValidationError as exc:
            errors.update({k: " ".join(v) for k, v in exc.message_dict.items()})
        else:
            if not maps_to:
                errors["maps_to"] = "Map the control to at least one Annex A control."
            out["maps_to"] = maps_to
    if errors:
        raise ValidationError(errors)
    return out


@transaction.atomic
def create_own_control(data: dict[str, Any], *, user: Any, role: str) -> Control:
    """A control of the organisation's own, mapped to the Annex A controls it serves."""
    if not can(role, "controls.change"):
        raise PermissionDenied("Only an ISMS manager may add controls.")
    own = _own_fields(data, None)
    rest = {k: v for k, v in data.items() if k in FIELDS}
    org = require_org()
    control = Control(
        organisation=org,
        ref=own.get("ref") or next_ref(org, "CTRL", width=3),
        title=own["title"],
        order=OWN_ORDER,
    )
    control.save()
    control.maps_to.set(own["maps_to"])
    if rest:
        update_control(control, rest, user=user, role=role)
    return control


@transaction.atomic
def update_own_control(control: Control, data: dict[str, Any], *, user: Any, role: str) -> Control:
    if not can(role, "controls.change"):
        raise PermissionDenied("Only an ISMS manager may edit own controls.")
    if not control.is_own:
        raise ValidationError({"ref": "Annex A controls keep their reference and title."})
    own = _own_fields({k: v for k, v in data.items() if k in ("ref", "title", "maps_to")}, control)
    maps_to = own.pop("maps_to", None)
    for name, value in own.items():
        setattr(control, name, value)
    if own:
        control.save()
    if maps_to is not None:
        control.maps_to.set(maps_to)
    rest = {k: v for k, v in data.items() if k in FIELDS}
    if rest:
        update_control(control, rest, user=user, role=role)
    return control


@transaction.atomic
def delete_own_control(control: Control, *, role: str) -> None:
    if not can(role, "controls.change"):
        raise PermissionDenied("Only an ISMS manager may delete controls.")
    if not control.is_own:
        raise ValidationError(
            {"ref": "Annex A controls cannot be deleted: mark them not applicable instead."}
        )
    control.delete()
