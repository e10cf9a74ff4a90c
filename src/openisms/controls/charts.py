"""Geometry of the progress charts, drawn as SVG by the templates (no inline styles: colours
come from classes in controls.css, positions from SVG attributes)."""

from __future__ import annotations

from typing import Any

from openisms.controls.models import ImplementationStatus

BAR_WIDTH = 480
BAR_HEIGHT = 22
GAP = 10
LABEL = 130


def theme_bars(progress: dict[str, Any]) -> dict[str, Any]:
    """One stacked horizontal bar per theme, segments by status (share of the theme)."""
    bars = []
    y = 0
    for theme, counts in progress["by_theme"].items():
        total = sum(counts.values())
        x = float(LABEL)
        segments = []
        for status, label in ImplementationStatus.choices:
            n = counts.get(status, 0)
            if not n or not total:
                continue
            w = BAR_WIDTH * n / total
            segments.append({"x": round(x, 1), "width": round(w, 1), "status": status,
                             "label": label, "n": n})  # fmt: skip
            x += w
        bars.append({"theme": theme, "total": total, "y": y, "text_y": y + 15,
                     "segments": segments})  # fmt: skip
        y += BAR_HEIGHT + GAP
    return {
        "bars": bars,
        "width": LABEL + BAR_WIDTH + 60,
        "height": max(y, BAR_HEIGHT),
        "bar_height": BAR_HEIGHT,
        "total_x": LABEL + BAR_WIDTH + 6,
    }


def status_bars(progress: dict[str, Any]) -> dict[str, Any]:
    """One bar per status, scaled to the largest."""
    counts = progress["by_status"]
    top = max(counts.values() or [0]) or 1
    bars = []
    y = 0
    for status, label in ImplementationStatus.choices:
        n = counts.get(status, 0)
        bars.append({"status": status, "label": label, "n": n, "y": y, "text_y": y + 15,
                     "width": round(BAR_WIDTH * n / top, 1), "n_x": LABEL + round(
                         BAR_WIDTH * n / top, 1) + 6})  # fmt: skip
        y += BAR_HEIGHT + GAP
    return {"bars": bars, "width": LABEL + BAR_WIDTH + 60, "height": y,
            "bar_height": BAR_HEIGHT, "x": LABEL}  # fmt: skip
