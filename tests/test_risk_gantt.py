"""The treatment plan's Gantt timeline: the SVG renderer and its place on the plan page."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from openisms.core.context import acting_as, org_context
from openisms.core.permissions import Role
from openisms.risk import gantt
from openisms.risk.models import TreatmentAction
from openisms.risk.services import actions, risks
from tests.conftest import login, person_of

pytestmark = pytest.mark.django_db

BASE = "/o/alpha/risk"
NS = {"svg": "http://www.w3.org/2000/svg"}
SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}href"
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _today():
    """Today as the test runs, not as the module was imported (a suite may cross midnight)."""
    global TODAY
    TODAY = timezone.localdate()


def add_risk(org, author, **data):
    with org_context(org), acting_as(author):
        return risks.create_risk({"title": "A risk", "treatment": "mitigate", **data})


def add_action(org, author, risk, **data):
    with org_context(org), acting_as(author):
        return actions.create_action(risk, {"title": "Do something", **data})


def chart_of(html: str) -> ET.Element:
    """The timeline SVG out of a page, parsed as a standalone XML document."""
    match = re.search(r'<svg [^>]*class="gantt".*?</svg>', html, re.S)
    assert match, "no timeline on the page"
    return ET.fromstring(match.group(0))


def bars(svg: ET.Element) -> list[ET.Element]:
    return [r for r in svg.iter(SVG + "rect") if r.get("class") == "gantt-bar"]


def rows(svg: ET.Element) -> list[ET.Element]:
    return [e for e in svg.iter() if e.get("class") == "gantt-row"]


# --- the renderer, without a database -------------------------------------------------------


def item(title="Task", due=TODAY, status="planned", overdue=False, **kw) -> gantt.GanttItem:
    data = {
        "title": title, "risk_ref": "R-001", "owner": "Ann", "status": status,
        "created": TODAY - dt.timedelta(days=20), "due": due, "overdue": overdue,
        "href": f"/edit/{title}/", "key": title,
    }  # fmt: skip
    data.update(kw)
    return gantt.GanttItem(**data)


@pytest.mark.django_db(False)
def test_renderer_draws_bars_today_line_months_and_undated_group():
    items = [
        item("Soon", due=TODAY + dt.timedelta(days=40)),
        item("Busy", due=TODAY + dt.timedelta(days=90), status="in_progress"),
        item("Late", due=TODAY - dt.timedelta(days=10), overdue=True),
        item("Done", due=TODAY - dt.timedelta(days=5), status="done"),
        item("Someday", due=None, owner=""),
    ]
    text = gantt.gantt_svg(items, today=TODAY)
    svg = ET.fromstring(text)
    assert "style=" not in text and "<script" not in text
    drawn = {b.get("data-status"): b.get("fill") for b in bars(svg) if not b.get("data-overdue")}
    assert len(bars(svg)) == 4  # the undated action gets no bar
    assert drawn == {
        "planned": gantt.STATUS_COLOURS["planned"],
        "in_progress": gantt.STATUS_COLOURS["in_progress"],
        "done": gantt.STATUS_COLOURS["done"],
    }
    assert len(set(gantt.STATUS_COLOURS.values()) | {gantt.OVERDUE}) == 5  # all distinguishable
    assert svg.find(".//svg:g[@class='gantt-today']", NS) is not None
    legend = svg.find(".//svg:g[@class='gantt-legend']", NS)
    assert [t.text for t in legend.iter(SVG + "text")] == [
        "Planned", "In progress", "Done", "Overdue",
    ]  # fmt: skip
    months = svg.find(".//svg:g[@class='gantt-months']", NS)
    labels = [t.text for t in months.iter(SVG + "text")]
    assert any(str(TODAY.year) in (t or "") for t in labels) and len(labels) >= 3
    assert "No due date (1)" in text and "Someday" in text and "no owner" in text
    # The undated group comes after every bar.
    assert text.index("No due date") > max(text.index(f">R-001 · {t}<") for t in ("Late", "Busy"))
    tips = [r.find("svg:title", NS).text for r in rows(svg)]
    assert any("Owner: Ann" in t and "Status: In progress" in t for t in tips)
    assert any("OVERDUE" in t for t in tips)
    # A bar starts at the creation date: it is longer than one ending sooner.
    soon, busy = (float(b.get("width")) for b in bars(svg)[:2])
    assert busy > soon


@pytest.mark.django_db(False)
def test_renderer_escapes_and_survives_control_characters_and_old_actions():
    nasty = gantt.GanttItem(
        title='<script>alert(1)</script> & "q"\x0b', risk_ref="R-<1>", owner="<b>Eve</b>",
        created=TODAY - dt.timedelta(days=3000), due=TODAY + dt.timedelta(days=10),
        status="planned", overdue=False, href='/x/?a=1&b="2"', key="k",
    )  # fmt: skip
    text = gantt.gantt_svg([nasty], today=TODAY)
    svg = ET.fromstring(text)  # a vertical tab would make this raise
    assert "<script>" not in text and "<b>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert rows(svg)[0].get("href") == '/x/?a=1&b="2"' == rows(svg)[0].get(XLINK)
    # An action planned years ago is clipped, not allowed to squeeze the chart into years.
    first_month = svg.find(".//svg:g[@class='gantt-months']/svg:text", NS).text
    assert first_month.endswith(str((TODAY - dt.timedelta(days=gantt.MAX_LEAD_DAYS)).year))
    assert float(bars(svg)[0].get("x")) >= gantt.LABEL_W
    # No links when the caller gives none (people who may not edit).
    plain = ET.fromstring(gantt.gantt_svg([item(href="")], today=TODAY))
    assert not plain.findall(".//svg:a", NS) and len(bars(plain)) == 1
    empty = ET.fromstring(gantt.gantt_svg([], today=TODAY))
    assert not bars(empty)


@pytest.mark.django_db(False)
def test_renderer_keeps_absurd_dates_readable():
    items = [
        item("Ancient", due=dt.date(2000, 1, 1), created=dt.date(1999, 1, 1), overdue=True),
        item("Far", due=dt.date(2999, 1, 1)),
        item("Max", due=dt.date.max),
        item("Normal", due=TODAY + dt.timedelta(days=30)),
    ]
    text = gantt.gantt_svg(items, today=TODAY)
    svg = ET.fromstring(text)
    assert len(bars(svg)) == 4
    # Five years at most around today, not a millennium of month gridlines.
    assert len(svg.findall(".//svg:g[@class='gantt-months']/svg:line", NS)) <= 6 * 12
    assert len(svg.findall(".//svg:path[@class='gantt-clipped']", NS)) == 3
    normal = bars(svg)[3]
    assert float(normal.get("width")) > 8  # still visible next to the far-off ones
    right = gantt.LABEL_W + gantt.PLOT_W
    assert all(float(b.get("x")) + float(b.get("width")) <= right + 0.1 for b in bars(svg))


# --- the plan page ----------------------------------------------------------------------------


@pytest.fixture
def plan_data(org_a, members_a):
    manager, contributor = members_a[Role.ISMS_MANAGER], members_a[Role.CONTRIBUTOR]
    risk = add_risk(org_a, manager, title="Phishing", owner=person_of(contributor))
    made = {
        "late": add_action(org_a, manager, risk, title="Phishing drill",
                           owner=person_of(contributor), due_date=TODAY - dt.timedelta(days=3)),
        "next": add_action(org_a, manager, risk, title="Mail filter",
                           due_date=TODAY + dt.timedelta(days=30), status="in_progress"),
        "xss": add_action(org_a, manager, risk, title="<script>alert(1)</script>",
                          due_date=TODAY + dt.timedelta(days=60)),
        "undated": add_action(org_a, manager, risk, title="Write a policy"),
        "done": add_action(org_a, manager, risk, title="Old fix", status="done",
                           due_date=TODAY - dt.timedelta(days=1)),
        "done_long_ago": add_action(org_a, manager, risk, title="Ancient fix", status="done"),
        "cancelled": add_action(org_a, manager, risk, title="Dropped", status="cancelled",
                                due_date=TODAY + dt.timedelta(days=5)),
    }  # fmt: skip
    with org_context(org_a):
        TreatmentAction.objects.filter(pk=made["done_long_ago"].pk).update(
            completed_at=timezone.now() - dt.timedelta(days=45)
        )
    return made


def test_plan_page_charts_open_actions_with_links_colours_and_summary(members_a, plan_data):
    page = login(members_a[Role.CONTRIBUTOR]).get(f"{BASE}/plan/").content.decode()
    svg = chart_of(page)
    drawn = bars(svg)
    assert len(drawn) == 3  # the three open, dated actions; done/cancelled not by default
    by_action = {r.get("data-action"): r for r in rows(svg)}
    assert set(by_action) == {str(plan_data[k].pk) for k in ("late", "next", "xss", "undated")}
    for key in ("late", "next", "xss", "undated"):
        url = f"{BASE}/actions/{plan_data[key].pk}/edit/?next=plan"
        assert by_action[str(plan_data[key].pk)].get("href") == url
    late_bar = by_action[str(plan_data["late"].pk)].find("svg:rect[@class='gantt-bar']", NS)
    assert late_bar.get("fill") == gantt.OVERDUE
    others = [b for b in drawn if b is not late_bar]
    assert all(b.get("fill") != gantt.OVERDUE for b in others)
    assert (
        by_action[str(plan_data["late"].pk)].find("svg:rect[@class='gantt-late']", NS) is not None
    )
    # Escaped in the SVG, never live markup anywhere on the page.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page
    assert "No due date (1)" in page
    summary = re.search(r'id="plan-summary">(.*?)</p>', page, re.S).group(1)
    summary = " ".join(re.sub(r"<[^>]+>", " ", summary).split())
    assert re.search(r"4 open actions .*1 overdue .*1 done in the last 30 days", summary)
    assert "Showing" not in page  # nothing was cut


def test_chart_follows_the_page_filters(members_a, plan_data):
    client = login(members_a[Role.VIEWER])
    overdue = chart_of(client.get(f"{BASE}/plan/?overdue=1").content.decode())
    assert [r.get("data-action") for r in rows(overdue)] == [str(plan_data["late"].pk)]
    assert not overdue.findall(".//svg:a", NS)  # a viewer may not edit: no links
    by_owner = chart_of(client.get(f"{BASE}/plan/?owner=a-contributor").content.decode())
    assert len(rows(by_owner)) == 1
    # Asking for a status charts that status, done actions included.
    done = chart_of(client.get(f"{BASE}/plan/?status=done").content.decode())
    assert {b.get("data-status") for b in bars(done)} == {"done"}
    assert bars(done)[0].get("fill") == gantt.STATUS_COLOURS["done"]
    assert "No due date (1)" in ET.tostring(done, encoding="unicode")


def test_empty_states(org_a, members_a):
    client = login(members_a[Role.VIEWER])
    page = client.get(f"{BASE}/plan/").content.decode()
    assert 'class="gantt"' not in page and 'id="plan-summary"' not in page
    assert "Nothing to chart yet" in page
    filtered = client.get(f"{BASE}/plan/?owner=nobody").content.decode()
    assert "No action to chart for these filters." in filtered
    risk = add_risk(org_a, members_a[Role.ISMS_MANAGER])
    add_action(org_a, members_a[Role.ISMS_MANAGER], risk, title="Finished", status="done")
    page = client.get(f"{BASE}/plan/").content.decode()
    assert "No open action to chart" in page and 'class="gantt"' not in page
    assert re.search(r"<strong>0</strong> open actions", page)


def _fill(org, author, owner, start: int, stop: int) -> None:
    with org_context(org), acting_as(author):
        risk = None
        for i in range(start, stop):
            if i % 10 == 0 or risk is None:
                risk = risks.create_risk(
                    {"title": f"Risk {i}", "owner": owner, "treatment": "mitigate"}
                )
            actions.create_action(risk, {
                "title": f"Action {i:03d}", "owner": owner,
                "due_date": TODAY + dt.timedelta(days=i - 20) if i % 7 else None,
            })  # fmt: skip


def test_chart_is_cut_at_sixty_with_a_note(org_a, members_a):
    manager = members_a[Role.ISMS_MANAGER]
    _fill(org_a, manager, members_a[Role.CONTRIBUTOR], 0, 75)
    page = login(manager).get(f"{BASE}/plan/").content.decode()
    svg = chart_of(page)
    assert len(rows(svg)) == 60
    assert "Showing 60 of 75 actions" in page
    # Earliest due first; the undated ones would come last, so none made the cut.
    assert "No due date" not in page
    dues = [float(b.get("x")) + float(b.get("width")) for b in bars(svg)]
    assert dues == sorted(dues)


def test_plan_page_queries_stay_flat_with_the_chart(
    org_a, members_a, django_assert_max_num_queries
):
    manager, owner = members_a[Role.ISMS_MANAGER], members_a[Role.CONTRIBUTOR]
    client = login(manager)
    url = f"{BASE}/plan/"
    _fill(org_a, manager, owner, 0, 5)
    client.get(url)  # session and first-use caches warmed
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(url).content.decode()
    assert len(bars(chart_of(page))) == 4
    _fill(org_a, manager, owner, 5, 200)
    with django_assert_max_num_queries(len(ctx.captured_queries)):
        page = client.get(url).content.decode()
    assert len(rows(chart_of(page))) == 60 and "Showing 60 of 200 actions" in page
