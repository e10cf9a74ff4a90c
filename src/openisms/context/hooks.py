"""Plugs the context module into the core: the demo and the navigation."""

from __future__ import annotations


def register() -> None:
    from openisms.context.demo import build_demo
    from openisms.core import demo, navigation
    from openisms.core.navigation import NavItem

    demo.DEMO_BUILDERS.append(build_demo)
    for label, url_name in [
        ("Issues", "core:context:issues"),
        ("Interested parties", "core:context:parties"),
        ("Requirements", "core:context:requirements"),
        ("ISMS scope", "core:context:scope"),
    ]:
        navigation.register("context", NavItem(label, url_name, "records.view"))
    from openisms.context import exports

    exports.register()
