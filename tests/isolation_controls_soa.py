"""Isolation samples of the SoA part of the controls module (see test_isolation)."""

from __future__ import annotations

from openisms.controls.models import Control
from openisms.controls.services import soa
from openisms.controls.services.setup import ensure_controls


def b_objects(org_b, owner) -> dict[str, str]:
    ensure_controls()
    Control.objects.update(applicable=True, business_need="B secret business need")
    version = soa.freeze(user=owner, note="B secret SoA note")
    return {"version_id": str(version.pk)}
