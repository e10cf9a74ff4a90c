"""Registers the records part of the controls module (navigation, dashboard, demo)."""

from __future__ import annotations

import datetime as dt
from typing import Any

# The demo SoA: a manufacturer that builds its firmware in-house and tests with synthetic data.
DEMO_EXCLUSIONS = {
    "A.8.30": "No development is outsourced: firmware and the web shop are built by our own "
    "engineering team only (checked in the supplier register, reviewed yearly).",
    "A.8.11": "Test and development use generated data only and no report or screen shows "
    "personal data beyond what its reader is entitled to; there is nothing to mask "
    "(decision reviewed with the data protection officer).",
}
DEMO_STATUSES = ["implemented"] * 11 + ["partial"] * 4 + ["planned"] * 3 + ["not_started"] * 2


def dashboard_panel(access: Any) -> dict[str, Any] | None:
    """SoA progress and the number of validation findings (four queries)."""
    if not access.can("records.view"):
        return None
    from openisms.controls import selectors, validation
    from openisms.controls.models import Control
    from openisms.controls.services.setup import ensure_controls

    ensure_controls()
    progress = selectors.progress()
    return {
        "template": "controls/_records_dashboard.html",
        "context": {
            "decided": progress["annex_decided"],
            "annex_total": progress["annex_total"],
            "implemented": progress["implemented"],
            "findings": len(validation.findings()),
            "mine": Control.objects.filter(owner_id=access.membership.user_id).count(),
        },
    }


def build_demo(org: Any) -> None:
    """Decide and implement the demo organisation's controls (idempotent: skipped once any
    control is decided). Runs before the evidence and SoA parts' demo builders."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from openisms.controls.models import Control
    from openisms.controls.services.setup import ensure_controls

    ensure_controls()
    if Control.objects.exclude(applicable=None).exists():
        return
    users = {u.username: u for u in get_user_model().objects.filter(
        username__in=["manager", "contributor", "owner"])}  # fmt: skip
    manager = users.get("manager") or users.get("owner")
    contributor = users.get("contributor") or manager
    today = timezone.localdate()
    from openisms.controls.selectors import control_rows

    controls = [c for c in control_rows() if c.requirement_id]
    for i, c in enumerate(controls):
        if c.ref in DEMO_EXCLUSIONS:
            c.applicable = False
            c.exclusion_justification = DEMO_EXCLUSIONS[c.ref]
            c.status = "not_applicable"
            c.save()
            continue
        c.applicable = True
        # A.8.8 is late on purpose: the validation panel shows it.
        c.status = "partial" if c.ref == "A.8.8" else DEMO_STATUSES[i % len(DEMO_STATUSES)]
        technological = c.requirement.theme == "Technological"
        c.owner = contributor if technological and i % 3 == 0 else manager
        summary = (c.requirement.guidance or {}).get("summary", "")
        if not (c.n_risks or c.n_obligations) or i % 4 == 0:
            c.business_need = "Expected by our customers' security questionnaires and contracts."
        if c.status != "not_started":
            c.implementation = summary or f"{c.title}: defined in the ISMS and in operation."
        if c.status != "implemented":
            days = -14 if c.ref == "A.8.8" else 30 + 15 * (i % 8)
            c.target_date = today + dt.timedelta(days=days)
        c.save()


def register() -> None:
    from openisms.controls.services.setup import seed_organisation
    from openisms.core import dashboard, demo, navigation
    from openisms.core.navigation import NavItem
    from openisms.core.services.organisations import ORGANISATION_CREATED

    ORGANISATION_CREATED.append(seed_organisation)
    for label, url_name in [
        ("Controls (SoA)", "core:controls:control_list"),
        ("My controls", "core:controls:my_controls"),
        ("SoA validation", "core:controls:validation"),
    ]:
        navigation.register("planning", NavItem(label, url_name, "records.view"))
    dashboard.register(dashboard_panel)
    demo.DEMO_BUILDERS.append(build_demo)
