"""Registers the workflow part of the documents module (navigation, dashboard, demo, exports)."""

from __future__ import annotations


def register() -> None:
    pass
