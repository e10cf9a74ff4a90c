"""Server-side SVG timeline (Gantt-style) of treatment actions: in the page, later in PDFs.

Same rules as ``charts``: presentation attributes only (strict CSP, no style attributes), every
text escaped (titles, owners and risk refs are organisation input), and the result is a
self-contained XML document so an export can embed it as it is.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from openisms.risk.charts import FONT, SVG_NS, svg_text

LABEL_W, PLOT_W, RIGHT = 300, 620, 16
TOP, ROW_H, BAR_H = 42, 22, 12
UNDATED_H = 18
LABEL_CHARS = 44  # what fits in LABEL_W at 12px
INK, MUTED, GRID, ZEBRA = "#1b2430", "#5b6675", "#d8dee6", "#f5f7fa"
OVERDUE = "#b42318"
STATUS_COLOURS = {
    "planned": "#7b95b9",
    "in_progress": "#1d4e89",
    "done": "#1f7a3d",
    "cancelled": "#a7b0bc",
}
STATUS_LABELS = {
    "planned": "Planned",
    "in_progress": "In progress",
    "done": "Done",
    "cancelled": "Cancelled",
}
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# The window always shows today. Creation dates more than MAX_LEAD_DAYS before the earliest due
# date (or today) are clipped, and so is anything beyond MAX_BACK_DAYS / MAX_AHEAD_DAYS from
# today, so one odd date (due 2000-01-01, or 2999) does not squeeze every other bar into a sliver;
# a clipped bar ends in an arrow and its tooltip keeps the real date.
MAX_LEAD_DAYS = 183
MAX_BACK_DAYS = 2 * 365
MAX_AHEAD_DAYS = 3 * 365


@dataclass(frozen=True)
class GanttItem:
    """One action as the chart needs it: plain data, so a PDF export can build it too."""

    title: str
    risk_ref: str
    owner: str
    created: dt.date
    due: dt.date | None
    status: str
    overdue: bool
    href: str = ""
    key: str = ""

    @property
    def colour(self) -> str:
        return OVERDUE if self.overdue else STATUS_COLOURS.get(self.status, MUTED)

    @property
    def label(self) -> str:
        text = f"{self.risk_ref} · {self.title}" if self.risk_ref else self.title
        return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1].rstrip() + "…"

    def tip(self) -> str:
        status = STATUS_LABELS.get(self.status, self.status)
        due = _day(self.due) if self.due else "no due date"
        late = " — OVERDUE" if self.overdue else ""
        return (
            f"{self.risk_ref} {self.title}\nOwner: {self.owner or 'nobody'}\n"
            f"Due: {due}{late}\nStatus: {status}"
        )


def items_from_actions(
    actions: Iterable[Any], href_for: Callable[[Any], str] | None = None
) -> list[GanttItem]:
    """TreatmentAction rows (with ``risk`` and ``owner`` selected) to chart items, no query."""
    items = []
    for a in actions:
        owner = a.owner.full_name if a.owner else ""
        items.append(
            GanttItem(
                title=a.title,
                risk_ref=a.risk.ref,
                owner=owner,
                created=timezone.localdate(a.created_at),
                due=a.due_date,
                status=a.status,
                overdue=a.is_overdue,
                href=href_for(a) if href_for else "",
                key=str(a.pk),
            )
        )
    return items


def _day(d: dt.date) -> str:
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def _month_start(d: dt.date) -> dt.date:
    return d.replace(day=1)


def _next_month(d: dt.date) -> dt.date:
    return dt.date(d.year + d.month // 12, d.month % 12 + 1, 1)


def _span(item: GanttItem, today: dt.date) -> tuple[dt.date, dt.date]:
    """The bar runs from creation to the due date; a creation date after today (clock or time
    zone skew) starts it today, and a due date before its creation (back-dated) still draws."""
    assert item.due is not None
    start = min(item.created, today)
    return min(start, item.due), item.due


def _window(spans: list[tuple[dt.date, dt.date]], today: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day (exclusive) shown: whole months around the bars and today."""
    anchor = min([today] + [end for _, end in spans])
    first = max(
        min([today] + [s for s, _ in spans]),
        anchor - dt.timedelta(days=MAX_LEAD_DAYS),
        today - dt.timedelta(days=MAX_BACK_DAYS),
    )
    last = min(max([today] + [end for _, end in spans]), today + dt.timedelta(days=MAX_AHEAD_DAYS))
    return _month_start(first), _next_month(last)


def _link(item: GanttItem, body: str, visible: str = "") -> str:
    tip = f"<title>{svg_text(item.tip())}</title>"
    key = f' data-action="{svg_text(item.key)}"' if item.key else ""
    if not item.href:
        return f'<g class="gantt-row"{key}>{tip}{body}</g>'
    href = svg_text(item.href)
    return (
        f'<a class="gantt-row" href="{href}" xlink:href="{href}"{key} '
        # The name starts with the text on screen, so speech users can say what they see.
        f'aria-label="{svg_text((visible or item.label) + ". " + item.tip())}">{tip}{body}</a>'
    )


def _months(start: dt.date, end: dt.date, x: Callable[[dt.date], float], bottom: float) -> str:
    """Month gridlines and labels along the top; labels every 1/2/3/4/6/12 months as room allows,
    on months that divide the year evenly (Jan, Apr, Jul, Oct …), the year on January."""
    months = []
    m = start
    while m < end:
        months.append(m)
        m = _next_month(m)
    per_month = PLOT_W / len(months)
    step = next((k for k in (1, 2, 3, 4, 6) if per_month * k >= 54), 12)
    out = ['<g class="gantt-months">']
    for i, m in enumerate(months):
        labelled = (m.month - 1) % step == 0
        if not labelled and per_month < 8:
            continue  # gridlines closer than this are noise
        xm = x(m)
        out.append(
            f'<line x1="{xm:.1f}" y1="{TOP - 10}" x2="{xm:.1f}" y2="{bottom:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        if labelled:
            name = MONTHS[m.month - 1]
            text = (
                str(m.year)
                if step == 12
                else f"{name} {m.year}"
                if m.month == 1 or i < step
                else name
            )
            out.append(
                f'<text x="{xm + 3:.1f}" y="{TOP - 14}" font-size="11" fill="{MUTED}">'
                f"{svg_text(text)}</text>"
            )
    out.append("</g>")
    return "".join(out)


def _arrow(x: float, y: float, colour: str, direction: int) -> str:
    """A small triangle at the chart's edge: the bar goes on beyond the window."""
    return (
        f'<path class="gantt-clipped" d="M{x:.1f} {y - 5:g} l{6 * direction} 5 '
        f'l{-6 * direction} 5z" fill="{colour}"/>'
    )


def _bar_row(
    item: GanttItem,
    n: int,
    span: tuple[dt.date, dt.date],
    window: tuple[dt.date, dt.date],
    x: Callable[[dt.date], float],
    today: dt.date,
) -> str:
    top = TOP + n * ROW_H
    mid = top + ROW_H / 2
    (s, e), (start, end) = span, window
    x0 = x(s)
    # The due day itself is inside the bar (and date.max has no day after it).
    x1 = x(end) if e >= end else x(e + dt.timedelta(days=1))
    late = ' data-overdue="1"' if item.overdue else ""
    parts = [
        f'<text x="4" y="{mid + 4:g}" font-size="12" fill="{INK}">{svg_text(item.label)}</text>',
        f'<rect class="gantt-bar" x="{x0:.1f}" y="{top + (ROW_H - BAR_H) / 2:g}" '
        f'width="{max(x1 - x0, 3):.1f}" height="{BAR_H}" rx="3" fill="{item.colour}" '
        f'data-status="{svg_text(item.status)}"{late}/>',
    ]
    if s < start:
        parts.append(_arrow(LABEL_W - 1, mid, item.colour, -1))
    if e >= end:
        parts.append(_arrow(LABEL_W + PLOT_W + 1, mid, item.colour, 1))
    if item.overdue:
        # How late it is: a thin stub from the due date to today.
        parts.append(
            f'<rect class="gantt-late" x="{x1:.1f}" y="{mid - 1:g}" '
            f'width="{max(x(today) - x1, 0):.1f}" height="2" fill="{OVERDUE}"/>'
        )
    row = _link(item, "".join(parts))
    if n % 2:
        zebra = f'<rect x="0" y="{top}" width="{LABEL_W + PLOT_W + RIGHT}" height="{ROW_H}" '
        row = zebra + f'fill="{ZEBRA}" fill-opacity="0.7"/>' + row
    return row


def _legend(y: float, items: list[GanttItem]) -> str:
    """The colours actually used, in status order (a legend of absent colours is noise)."""
    out = [f'<g class="gantt-legend" font-size="11" fill="{INK}">']
    x = 4.0
    used = {i.status for i in items if not i.overdue}
    entries = [(STATUS_COLOURS[k], STATUS_LABELS[k]) for k in STATUS_COLOURS if k in used]
    if any(i.overdue for i in items):
        entries.append((OVERDUE, "Overdue"))
    for colour, text in entries:
        out.append(
            f'<rect x="{x:.0f}" y="{y - 9:.0f}" width="12" height="10" rx="2" fill="{colour}"/>'
            f'<text x="{x + 16:.0f}" y="{y:.0f}">{svg_text(text)}</text>'
        )
        x += 30 + 6.5 * len(text)
    out.append("</g>")
    return "".join(out)


def gantt_svg(
    items: list[GanttItem],
    *,
    today: dt.date | None = None,
    total: int | None = None,
    element_id: str = "plan-gantt",
) -> str:
    """Actions as a timeline: a bar per dated action, then a compact "no due date" group.

    ``total`` is how many actions there were before the caller cut the list; when it is larger
    than ``len(items)`` a "showing n of total" note closes the chart.
    """
    today = today or timezone.localdate()
    ident = svg_text(element_id)
    dated = [i for i in items if i.due is not None]
    undated = [i for i in items if i.due is None]
    spans = [_span(i, today) for i in dated]
    start, end = _window(spans, today)
    days = max((end - start).days, 1)

    def x(d: dt.date) -> float:
        return LABEL_W + max(min((d - start).days, days), 0) / days * PLOT_W

    width = LABEL_W + PLOT_W + RIGHT
    bars_bottom = TOP + len(dated) * ROW_H
    y = bars_bottom
    body: list[str] = []
    if dated:
        body.append(_months(start, end, x, bars_bottom))
    for n, (item, span) in enumerate(zip(dated, spans, strict=True)):
        body.append(_bar_row(item, n, span, (start, end), x, today))
    if dated:
        xt = x(today)
        body.append(
            f'<g class="gantt-today"><line x1="{xt:.1f}" y1="{TOP - 8}" x2="{xt:.1f}" '
            f'y2="{bars_bottom:.1f}" stroke="{OVERDUE}" stroke-width="1.5" '
            f'stroke-dasharray="4 3"/><text x="{xt:.1f}" y="{TOP - 1}" font-size="10" '
            f'text-anchor="middle" fill="{OVERDUE}">Today</text></g>'
        )
    if undated:
        y += 26
        body.append(
            f'<text class="gantt-undated-title" x="4" y="{y:g}" font-size="12" '
            f'font-weight="600" fill="{INK}">No due date ({len(undated)})</text>'
        )
        y += 6
        for item in undated:
            label = f"{item.label} — {item.owner or 'no owner'}"
            body.append(
                _link(
                    item,
                    f'<circle cx="10" cy="{y + UNDATED_H / 2:g}" r="4" fill="{item.colour}"/>'
                    f'<text x="20" y="{y + UNDATED_H / 2 + 4:g}" font-size="11" fill="{INK}">'
                    f"{svg_text(label)}</text>",
                    visible=label,
                )
            )
            y += UNDATED_H
    if not items:
        body.append(
            f'<text x="4" y="{TOP}" font-size="12" fill="{MUTED}">No action to show.</text>'
        )
        y = TOP
    y += 28
    if items:
        body.append(_legend(y, items))
    shown = len(items)
    if total is not None and total > shown:
        y += 22
        body.append(
            f'<text class="gantt-note" x="4" y="{y:g}" font-size="11" fill="{MUTED}">'
            f"Showing {shown} of {total} actions, earliest due first.</text>"
        )
    height = math.ceil(y + 12)
    heading = f"Treatment plan timeline: {shown} action{'' if shown == 1 else 's'}"
    head = (
        f'<svg {SVG_NS} class="gantt" id="{ident}" aria-labelledby="{ident}-title" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'font-family="{FONT}"><title id="{ident}-title">{svg_text(heading)}</title>'
    )
    return head + "".join(body) + "</svg>"
