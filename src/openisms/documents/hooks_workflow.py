"""Registers the workflow part of the documents module: navigation, dashboard panel, demo data.

The demo builder lives in :mod:`openisms.documents.demo`.
"""

from __future__ import annotations

from typing import Any


def register() -> None:
    from openisms.core import dashboard, demo, navigation
    from openisms.core.navigation import NavItem

    navigation.register("support", NavItem("Documents", "core:documents:register", "records.view"))
    navigation.register(
        "support", NavItem("To read & acknowledge", "core:documents:to_read", "records.view")
    )
    dashboard.register(dashboard_panel)
    demo.DEMO_BUILDERS.append(build_demo)


def dashboard_panel(access: Any) -> dict[str, Any] | None:
    """Reviews due within 30 days or overdue, and the user's own reading list."""
    from openisms.documents import selectors

    if not access.can("records.view"):
        return None
    data = selectors.dashboard(access.membership.user)
    if not access.can("documents.acknowledge"):
        # Auditors read; asking them to acknowledge would lead to a page with nothing to press.
        data.update(pending=[], pending_count=0)
    if not data["due_count"] and not data["pending_count"]:
        return None
    return {"template": "documents/_dashboard.html", "context": data}


def build_demo(org: Any) -> Any:
    """The demo's documents (see :mod:`openisms.documents.demo`)."""
    from openisms.documents.demo import build_demo as build

    return build(org)
