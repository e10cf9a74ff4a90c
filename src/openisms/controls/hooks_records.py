"""Registers the records part of the controls module (navigation, dashboard, demo)."""

from __future__ import annotations

from typing import Any

# The demo's exclusions (the records builder lives in :mod:`openisms.controls.demo`).
from openisms.controls.demo_data.implementation import EXCLUSIONS as DEMO_EXCLUSIONS

__all__ = ["DEMO_EXCLUSIONS", "build_demo", "dashboard_panel", "register"]


def dashboard_panel(access: Any) -> dict[str, Any] | None:
    """SoA progress and the number of validation findings, blocking ones apart (a fixed number
    of queries: see ``controls.validation``)."""
    if not access.can("records.view"):
        return None
    from openisms.controls import selectors, validation
    from openisms.controls.models import Control
    from openisms.controls.services.setup import ensure_controls

    ensure_controls()
    progress = selectors.progress()
    # Before the first decision every control is "undecided": a new organisation would open on
    # ~93 findings that say nothing the getting-started path does not. The count stays on the
    # controls pages; the dashboard shows it once work on the SoA has started.
    items = validation.findings() if progress["annex_decided"] else []
    return {
        "template": "controls/_records_dashboard.html",
        "context": {
            "decided": progress["annex_decided"],
            "annex_total": progress["annex_total"],
            "implemented": progress["implemented"],
            "findings": len(items),
            "blocking": sum(1 for f in items if f.blocking),
            "mine": Control.objects.filter(owner__user_id=access.membership.user_id).count(),
        },
    }


def build_demo(org: Any) -> Any:
    """Decide and implement the demo organisation's controls (:func:`controls.demo.
    build_records`); runs before the evidence and SoA parts' demo builder."""
    from openisms.controls.demo import build_records

    return build_records(org)


def register() -> None:
    from openisms.controls.services.setup import seed_organisation
    from openisms.core import dashboard, demo, navigation
    from openisms.core.navigation import NavItem
    from openisms.core.services.organisations import ORGANISATION_CREATED

    ORGANISATION_CREATED.append(seed_organisation)
    for label, url_name in [
        ("Controls", "core:controls:control_list"),
        ("My controls", "core:controls:my_controls"),
        ("SoA validation", "core:controls:validation"),
    ]:
        navigation.register("planning", NavItem(label, url_name, "records.view"))
    dashboard.register(dashboard_panel)
    demo.DEMO_BUILDERS.append(build_demo)
