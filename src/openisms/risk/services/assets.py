"""Writes to the asset inventory."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from openisms.core.context import require_org
from openisms.core.models.sequence import next_ref
from openisms.core.validation import clean_text
from openisms.people.identity import resolve_owner
from openisms.risk.models import Asset, AssetType, ClassificationLevel, Lifecycle
from openisms.risk.services.risks import _own

TEXT = ("name", "description", "location")


def _apply(asset: Asset, data: dict[str, Any]) -> list[Asset] | None:
    for name in TEXT:
        if name in data:
            setattr(asset, name, clean_text(data[name], name))
    if not asset.name:
        raise ValidationError({"name": "Give the asset a name."})
    if "type" in data:
        if data["type"] not in AssetType.values:
            raise ValidationError({"type": f"Choose one of: {', '.join(AssetType.values)}."})
        asset.type = data["type"]
    if "lifecycle" in data:
        if data["lifecycle"] not in Lifecycle.values:
            raise ValidationError({"lifecycle": f"Choose one of: {', '.join(Lifecycle.values)}."})
        asset.lifecycle = data["lifecycle"]
    for name in ("confidentiality", "integrity", "availability"):
        if name in data:
            try:
                value = int(data[name])
            except (TypeError, ValueError):
                raise ValidationError({name: "Use a whole number from 1 to 5."}) from None
            if not 1 <= value <= 5:
                raise ValidationError({name: "Use a whole number from 1 to 5."})
            setattr(asset, name, value)
    _set_owner(asset, data)
    if "custodian" in data:
        asset.custodian = resolve_owner(data["custodian"], "custodian")
    if "classification" in data:
        asset.classification = _own(ClassificationLevel, data["classification"], "classification")
    if "tags" in data:
        tags = data["tags"]
        if isinstance(tags, str):
            tags = tags.split(",")
        asset.tags = [clean_text(str(t), "tags") for t in tags or []]
    if "depends_on" in data:
        deps = [_own(Asset, d, "depends_on") for d in data["depends_on"] or []]
        if any(d.pk == asset.pk for d in deps):
            raise ValidationError({"depends_on": "An asset cannot depend on itself."})
        return deps
    return None


@transaction.atomic
def create_asset(data: dict[str, Any], *, ref: str | None = None) -> Asset:
    org = require_org()
    asset = Asset(organisation=org, type=data.get("type") or AssetType.INFORMATION)
    deps = _apply(asset, data)
    asset.ref = ref or next_ref(org, "A")
    # owner_role: _set_owner keeps "a person or a role" (the check would cost a query per row)
    asset.full_clean(exclude=["organisation", "depends_on", "owner_role"])
    asset.save()
    if deps is not None:
        asset.depends_on.set(deps)
    return asset


@transaction.atomic
def update_asset(asset: Asset, data: dict[str, Any]) -> Asset:
    deps = _apply(asset, data)
    # owner_role: _set_owner keeps "a person or a role" (the check would cost a query per row)
    asset.full_clean(exclude=["organisation", "depends_on", "owner_role"])
    asset.save()
    if deps is not None:
        asset.depends_on.set(deps)
    return asset


def delete_asset(asset: Asset) -> None:
    if asset.risks.exists():
        raise ValidationError("This asset still has risks; re-link or close them first.")
    asset.delete()


def _role(value: Any) -> Any:
    """An ISMS role given as a role or by name (case-insensitive)."""
    from openisms.leadership.models import IsmsRole

    if value is None or value == "":
        return None
    if isinstance(value, IsmsRole):
        return _own(IsmsRole, value, "owner_role")
    name = str(value).strip()
    try:
        return _own(IsmsRole, uuid.UUID(name), "owner_role")
    except ValueError:
        pass
    if name.lower().startswith("role:"):
        name = name[5:].strip()
    found = IsmsRole.objects.filter(name__iexact=name).first()
    if found is None:
        raise ValidationError({"owner_role": f"No ISMS role called “{name}”."})
    return found


def _set_owner(asset: Asset, data: dict[str, Any]) -> None:
    """A person or an ISMS role owns the asset, not both: naming one clears the other."""
    if "owner" in data and "owner_role" in data and data["owner"] and data["owner_role"]:
        raise ValidationError({"owner_role": "Name a person or an ISMS role as owner, not both."})
    if "owner" in data:
        asset.owner = resolve_owner(data["owner"], "owner")
        if asset.owner is not None:
            asset.owner_role = None
    if "owner_role" in data:
        asset.owner_role = _role(data["owner_role"])
        if asset.owner_role is not None:
            asset.owner = None
