"""Registers the evidence part of the controls module: navigation and the dashboard panel."""

from __future__ import annotations

from typing import Any

PANEL_ROWS = 10


def register() -> None:
    from openisms.core import dashboard, navigation
    from openisms.core.navigation import NavItem

    navigation.register(
        "planning", NavItem("Evidence", "core:controls:evidence_list", "records.view")
    )
    navigation.register(
        "planning",
        NavItem("My evidence requests", "core:controls:evidence_requests_mine", "records.view"),
    )
    dashboard.register(dashboard_panel)
    from openisms.controls import evidence_exports

    evidence_exports.register()  # `openisms export evidence` and the page/API downloads


def dashboard_panel(access: Any) -> dict[str, Any] | None:
    """Overdue evidence requests (all for managers, one's own for others) and evidence that has
    expired or expires within 30 days. Constant queries."""
    from openisms.controls.services import evidence, requests

    if not access.can("records.view"):
        return None
    everyone = access.can("evidence.request")
    rows = requests.overdue(None if everyone else access.membership.user)
    overdue = list(rows[:PANEL_ROWS])
    count = len(overdue) if len(overdue) < PANEL_ROWS else rows.count()
    validity = evidence.expiring_and_expired(PANEL_ROWS)
    if not count and not validity["expired"] and not validity["expiring"]:
        return None
    return {
        "template": "controls/evidence_dashboard.html",
        "context": {"overdue": overdue, "overdue_count": count, "all": everyone, **validity},
    }
