"""Server-side SVG for the heat maps: shown inline on pages, served as a file, put in PDFs.

Plain markup with presentation attributes only (the pages run under a strict CSP that forbids
style attributes), every text escaped: scale labels and level names are organisation input.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.html import escape

CELL_W, CELL_H = 84, 52
LEFT, TOP, BOTTOM = 132, 30, 58
FONT = "system-ui, -apple-system, Segoe UI, Roboto, sans-serif"
SVG_NS = 'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
# Control characters other than tab/newline are valid in our text fields but not in XML 1.0:
# one of them in a title would make the whole SVG unreadable outside the browser (PDF, file).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def svg_text(value: object) -> str:
    """Text or attribute value for SVG: XML-safe and HTML-escaped."""
    return str(escape(_NOT_XML.sub("", str(value))))


def ink_for(colour: str) -> str:
    """Black or white text, whichever reads better on ``colour`` (#rrggbb)."""
    try:
        r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    except (ValueError, IndexError):
        return "#000000"
    # Relative luminance, sRGB approximated: enough to pick between two inks.
    return "#000000" if (0.299 * r + 0.587 * g + 0.114 * b) > 150 else "#ffffff"


def _plural(n: int) -> str:
    return f"{n} risk{'' if n == 1 else 's'}"


def cell_href(register_url: str, which: str, likelihood: int, impact: int) -> str:
    return f"{register_url}?map={which}&cell={likelihood}-{impact}"


def heatmap_svg(heat: dict[str, Any], register_url: str, *, element_id: str = "") -> str:
    """The heat map of ``selectors.heat_map(...)`` as an SVG string.

    Each cell is a link to the register filtered to that cell, filled with its level's colour
    and labelled with its count; rows run from the highest likelihood (top) down.
    """
    which = heat["which"]
    method = heat["method"]
    rows = heat["rows"]
    n_impact = len(method.impact)
    n_likelihood = len(method.likelihood)
    width = LEFT + n_impact * CELL_W + 8
    height = TOP + n_likelihood * CELL_H + BOTTOM
    ident = svg_text(element_id or f"heatmap-{which}")
    heading = f"{which.capitalize()} risk heat map: {_plural(heat['total'])} scored"
    out = [
        f'<svg {SVG_NS} class="heatmap" id="{ident}" role="group" '
        f'aria-labelledby="{ident}-title" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="{FONT}">',
        f'<title id="{ident}-title">{svg_text(heading)}</title>',
        f'<text x="{LEFT}" y="18" font-size="13" font-weight="600" fill="#1b2430">'
        f"{svg_text(which.capitalize())} risk</text>",
    ]
    for r, row in enumerate(rows):
        y = TOP + r * CELL_H
        label = method.likelihood[row[0].likelihood - 1].label
        out.append(
            f'<text x="{LEFT - 8}" y="{y + CELL_H / 2 + 4:g}" font-size="11" '
            f'text-anchor="end" fill="#1b2430">{svg_text(label)}</text>'
        )
        for c, cell in enumerate(row):
            x = LEFT + c * CELL_W
            href = svg_text(cell_href(register_url, which, cell.likelihood, cell.impact))
            impact_label = method.impact[cell.impact - 1].label
            tip = (
                f"Likelihood {label} × impact {impact_label}: "
                f"{cell.level.name}, {_plural(cell.count)}"
            )
            # Empty cells are faded towards white, so their (small) figure is always dark.
            ink = ink_for(cell.level.colour) if cell.count else "#1b2430"
            faded = "" if cell.count else ' fill-opacity="0.55"'
            size, weight = (20, 700) if cell.count else (14, 400)
            out.append(
                f'<a href="{href}" xlink:href="{href}" class="heat-cell" '
                f'data-cell="{cell.likelihood}-{cell.impact}" data-count="{cell.count}" '
                f'aria-label="{svg_text(tip)}">'
                f"<title>{svg_text(tip)}</title>"
                f'<rect x="{x + 1}" y="{y + 1}" width="{CELL_W - 2}" height="{CELL_H - 2}" '
                f'rx="3" fill="{svg_text(cell.level.colour)}"{faded}/>'
                f'<text x="{x + CELL_W / 2:g}" y="{y + CELL_H / 2 + 7:g}" text-anchor="middle" '
                f'font-size="{size}" font-weight="{weight}" '
                f'fill="{ink}">{cell.count}</text></a>'
            )
    base = TOP + n_likelihood * CELL_H
    for c, point in enumerate(method.impact):
        out.append(
            f'<text x="{LEFT + c * CELL_W + CELL_W / 2:g}" y="{base + 16}" font-size="11" '
            f'text-anchor="middle" fill="#1b2430">{svg_text(point.label)}</text>'
        )
    out.append(
        f'<text x="{LEFT + n_impact * CELL_W / 2:g}" y="{base + 42}" font-size="12" '
        f'text-anchor="middle" fill="#5b6675">Impact →</text>'
    )
    mid = TOP + n_likelihood * CELL_H / 2
    out.append(
        f'<text x="14" y="{mid:g}" font-size="12" text-anchor="middle" fill="#5b6675" '
        f'transform="rotate(-90 14 {mid:g})">Likelihood →</text>'
    )
    out.append("</svg>")
    return "".join(out)


def swatch_svg(colour: str, size: int = 10) -> str:
    """A small coloured square (level colours may be any #rrggbb: no CSS class can know them)."""
    return (
        f'<svg class="swatch" width="{size}" height="{size}" aria-hidden="true" '
        f'focusable="false"><rect width="{size}" height="{size}" rx="2" '
        f'fill="{svg_text(colour)}"/></svg>'
    )
