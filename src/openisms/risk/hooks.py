"""Plugs the risk module into the core: new organisations, the demo, the navigation."""

from __future__ import annotations


def register() -> None:
    from openisms.core import demo, navigation
    from openisms.core.navigation import NavItem
    from openisms.core.services.organisations import ORGANISATION_CREATED
    from openisms.risk import cli_exports, inbox_kinds
    from openisms.risk.demo import build_demo
    from openisms.risk.services.setup import seed_organisation

    ORGANISATION_CREATED.append(seed_organisation)
    cli_exports.register()
    inbox_kinds.register()
    demo.DEMO_BUILDERS.append(build_demo)
    for label, url_name, action in [
        ("Risk overview", "core:risk:overview", "records.view"),
        ("Risk method", "core:risk:methodology", "records.view"),
        ("Assets", "core:risk:assets", "records.view"),
        ("Risk register", "core:risk:register", "records.view"),
        ("Treatment plan", "core:risk:plan", "records.view"),
        ("My risks", "core:risk:mine", "records.view"),
        ("Risk validation", "core:risk:validation", "records.view"),
        ("Threats & vulnerabilities", "core:risk:library", "records.view"),
        ("Classification scheme", "core:risk:classification", "records.view"),
    ]:
        navigation.register("planning", NavItem(label, url_name, action))
