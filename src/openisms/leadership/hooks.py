"""Plugs the leadership module into the core: new organisations, the demo, the navigation."""

from __future__ import annotations


def register() -> None:
    from openisms.core import demo, navigation
    from openisms.core.navigation import NavItem
    from openisms.core.services.organisations import ORGANISATION_CREATED
    from openisms.leadership.demo import build_demo
    from openisms.leadership.services.setup import seed_organisation

    ORGANISATION_CREATED.append(seed_organisation)
    demo.DEMO_BUILDERS.append(build_demo)
    for label, url_name in [
        ("ISMS roles", "core:leadership:roles"),
        ("RACI matrix", "core:leadership:raci"),
        ("Management commitment", "core:leadership:commitments"),
    ]:
        navigation.register("leadership", NavItem(label, url_name, "records.view"))
    navigation.register(
        "support", NavItem("Competence gaps", "core:leadership:gaps", "records.view")
    )
    from openisms.leadership import exports

    exports.register()
