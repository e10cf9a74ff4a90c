"""Isolation samples of the controls module's records part (see test_isolation)."""

from __future__ import annotations

from openisms.controls.models import Control
from openisms.controls.services.setup import ensure_controls

# POST /controls (an own control) needs its Annex A mapping before the organisation is checked.
API_BODY = {"maps_to": ["A.5.1"]}


def b_objects(org_b, owner) -> dict[str, str]:
    ensure_controls()
    control = Control.objects.get(ref="A.5.1")
    control.business_need = "B secret business need"
    control.save()
    return {"control_id": str(control.pk)}
