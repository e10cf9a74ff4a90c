"""Plugs the context module into the core: the demo and the navigation."""

from __future__ import annotations

from typing import Any


def approved_scope() -> Any:
    """Getting started, step 1: an approved scope."""
    from openisms.context.models import ScopeStatus, ScopeVersion

    return ScopeVersion.objects.filter(status=ScopeStatus.APPROVED)


def register() -> None:
    from openisms.context.demo import build_demo
    from openisms.core import demo, navigation
    from openisms.core.navigation import NavItem

    demo.DEMO_BUILDERS.append(build_demo)
    from openisms.core import getting_started as gs

    gs.register(
        gs.Step(
            10, "scope", "Define and approve the ISMS scope",
            "Write what the ISMS covers and what it excludes; top management approves it.",
            "core:context:scope", "records.view", approved_scope, "Open the scope",
        )
    )  # fmt: skip
    for label, url_name in [
        ("Issues", "core:context:issues"),
        ("Interested parties", "core:context:parties"),
        ("Requirements", "core:context:requirements"),
        ("ISMS scope", "core:context:scope"),
    ]:
        navigation.register("context", NavItem(label, url_name, "records.view"))
    from openisms.context import exports

    exports.register()
