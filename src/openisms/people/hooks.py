"""Plugs the people module into the core: the demo, the navigation, the dashboard.

New organisations need nothing seeded: the register, courses and plan start empty.
"""

from __future__ import annotations


def register() -> None:
    from openisms.core import dashboard, demo, navigation
    from openisms.core.navigation import NavItem
    from openisms.people import dashboard as people_dashboard
    from openisms.people.demo import build_demo

    demo.DEMO_BUILDERS.append(build_demo)
    dashboard.register(people_dashboard.panel)
    for label, url_name in [
        ("People", "core:people:staff"),
        ("Training & awareness", "core:people:training"),
        ("Communication plan", "core:people:communication"),
        ("My training", "core:people:mine"),
    ]:
        navigation.register("support", NavItem(label, url_name, "records.view"))
    from openisms.people import exports

    exports.register()
