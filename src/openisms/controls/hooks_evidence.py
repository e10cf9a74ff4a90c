"""Registers the evidence part of the controls module (navigation, dashboard, demo, exports)."""

from __future__ import annotations


def register() -> None:
    pass
