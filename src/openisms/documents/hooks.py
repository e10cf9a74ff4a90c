"""Plugs the documents module into the core: navigation, dashboard, demo, exports."""

from __future__ import annotations


def register() -> None:
    from openisms.documents import hooks_checklist, hooks_exports, hooks_workflow, inbox_kinds

    for part in (hooks_workflow, hooks_exports, hooks_checklist, inbox_kinds):
        part.register()
