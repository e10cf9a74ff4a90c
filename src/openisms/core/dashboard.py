"""Dashboard panels contributed by domain apps (due reviews, overdue training, …).

A panel is a callable taking the request's ``OrgAccess`` and returning ``None`` (nothing to show,
or no permission) or a dict with ``template`` (an include) and its ``context``. Panels must run a
constant number of queries whatever the data size.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Panel = Callable[[Any], dict[str, Any] | None]

PANELS: list[Panel] = []


def register(panel: Panel) -> None:
    PANELS.append(panel)


def panels_for(access: Any) -> list[dict[str, Any]]:
    shown = []
    for panel in PANELS:
        result = panel(access)
        if result is not None:
            shown.append(result)
    return shown
