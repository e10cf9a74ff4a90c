"""Plugs the controls module into the core: navigation, dashboard, demo, exports, checklist."""

from __future__ import annotations


def register() -> None:
    from openisms.controls import hooks_evidence, hooks_records, hooks_soa, inbox_kinds

    for part in (hooks_records, hooks_evidence, hooks_soa, inbox_kinds):
        part.register()
