"""Plugs the context module into the core: new organisations, the demo, the navigation."""

from __future__ import annotations


def register() -> None:
    pass
