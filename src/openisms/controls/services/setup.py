"""Every organisation has one implementation record per Annex A control.

Created when the organisation is created (``ORGANISATION_CREATED``) and, for organisations that
existed before this module, on first use: :func:`ensure_controls` is idempotent and cheap when
nothing is missing (one query), so pages and API routes call it before reading.
"""

from __future__ import annotations

from typing import Any

from openisms.catalogue.models import Requirement
from openisms.controls.models import Control
from openisms.core.context import require_org

FRAMEWORK = "iso27001-2022"
OWN_ORDER = 10_000  # the organisation's own controls sort after Annex A


def annex_a() -> Any:
    return Requirement.objects.filter(framework__slug=FRAMEWORK, kind="control").order_by("order")


def ensure_controls() -> int:
    """Create the missing Annex A records of the current organisation; returns how many."""
    have = set(Control.objects.exclude(requirement=None).values_list("requirement_id", flat=True))
    if len(have) >= 93:
        return 0
    org = require_org()
    missing = [
        Control(organisation=org, requirement=r, ref=r.ref, title=r.title, order=r.order)
        for r in annex_a()
        if r.pk not in have
    ]
    if missing:
        Control.objects.bulk_create(
            missing, audit_summary=f"{len(missing)} Annex A control records created"
        )
    return len(missing)


def seed_organisation(organisation: Any) -> None:
    from openisms.core.context import org_context

    with org_context(organisation):
        ensure_controls()
