"""Risk pages: overview with heat maps, register, risk form and detail, plan, "my risks"."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openisms.core.context import acting_as, org_context
from openisms.core.permissions import Role
from openisms.risk import charts, selectors
from openisms.risk.models import Risk, RiskStatus
from openisms.risk.scoring import default_method, parse
from openisms.risk.services import actions, risks
from openisms.risk.services.assets import create_asset
from tests.conftest import login, make_member, person_of

pytestmark = pytest.mark.django_db

BASE = "/o/alpha/risk"
PAGES = ["/", "/register/", "/plan/", "/mine/"]


def add_risk(org, author, **data):
    """A risk written through the service, by ``author`` (who then may not accept it)."""
    with org_context(org), acting_as(author):
        return risks.create_risk({"title": "A risk", **data})


def add_action(org, author, risk, **data):
    with org_context(org), acting_as(author):
        return actions.create_action(risk, {"title": "Do something", **data})


def no_inline_style(html: str) -> None:
    assert not re.search(r"\sstyle\s*=", html), "inline style attribute under a strict CSP"
    assert "<style" not in html and "<script>" not in html


# --- empty register -----------------------------------------------------------------------


def test_every_page_renders_its_empty_state_for_a_viewer(members_a):
    client = login(members_a[Role.VIEWER])
    bodies = {}
    for path in PAGES:
        response = client.get(BASE + path)
        assert response.status_code == 200, path
        bodies[path] = response.content.decode()
        no_inline_style(bodies[path])
    assert "The register is empty" in bodies["/register/"]
    assert "New risk" not in bodies["/register/"]  # a viewer may not create
    assert "Import risks" not in bodies["/register/"]
    assert "No treatment action has been planned yet" in bodies["/plan/"]
    assert "Sign:" not in bodies["/plan/"]
    assert "You own no risk" in bodies["/mine/"]
    assert "no open treatment action" in bodies["/mine/"]
    assert 'data-count="0"' in bodies["/"] and 'data-count="1"' not in bodies["/"]
    for which in ("inherent", "residual"):
        response = client.get(f"{BASE}/heatmap/{which}.svg")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("image/svg+xml")
        ET.fromstring(response.content)  # well-formed XML, usable outside the page
    assert client.get(f"{BASE}/heatmap/other.svg").status_code == 404
    filtered = client.get(f"{BASE}/register/?q=nothing-like-this").content.decode()
    assert "No risk matches these filters" in filtered


def test_viewer_cannot_create_edit_or_delete_and_contributor_can_create(org_a, members_a):
    risk = add_risk(org_a, members_a[Role.ISMS_MANAGER])
    viewer = login(members_a[Role.VIEWER])
    for path in (
        "/register/new/",
        f"/register/{risk.pk}/edit/",
        f"/register/{risk.pk}/actions/new/",
    ):
        assert viewer.get(BASE + path).status_code == 403, path
    assert viewer.post(f"{BASE}/register/new/", {"title": "x"}).status_code == 403
    assert viewer.post(f"{BASE}/register/{risk.pk}/delete/").status_code == 403
    assert viewer.post(f"{BASE}/register/{risk.pk}/accept/").status_code == 403
    assert viewer.post(f"{BASE}/plan/sign/").status_code == 403
    contributor = login(members_a[Role.CONTRIBUTOR])
    assert contributor.get(f"{BASE}/register/new/").status_code == 200
    assert contributor.post(f"{BASE}/register/{risk.pk}/delete/").status_code == 403
    with org_context(org_a):
        assert Risk.objects.count() == 1


# --- the risk form ----------------------------------------------------------------------


def form_data(**overrides):
    data = {
        "title": "Laptop stolen from a car", "kind": "risk", "description": "",
        "existing_controls": "", "inherent_likelihood": "4", "inherent_impact": "4",
        "treatment": "mitigate", "treatment_rationale": "", "controls": ["A.8.24", "A.7.9"],
        "other_controls": "", "residual_likelihood": "2", "residual_impact": "2",
        "status": "assessed", "next_review": "",
    }  # fmt: skip
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_contributor_creates_a_scored_risk_and_sees_its_levels(org_a, members_a):
    client = login(members_a[Role.CONTRIBUTOR])
    page = client.get(f"{BASE}/register/new/").content.decode()
    assert "4 · Likely" in page and "4 · Major" in page  # labels of the method in force
    assert "A.8.24 Use of cryptography" in page
    assert "Residual risk accepted" not in page  # acceptance is a sign-off, not a status
    response = client.post(
        f"{BASE}/register/new/", form_data(owner=str(person_of(members_a[Role.CONTRIBUTOR]).pk))
    )
    assert response.status_code == 302
    with org_context(org_a):
        risk = Risk.objects.get()
        assert (risk.inherent_level, risk.residual_level) == ("high", "low")
        assert sorted(c.ref for c in risk.controls.all()) == ["A.7.9", "A.8.24"]
    detail = client.get(response["Location"]).content.decode()
    assert re.search(r'id="inherent-level">.*High.*Likely.*Major', detail)
    assert re.search(r'id="residual-level">.*Low', detail)
    assert "<td>created</td>" in detail  # the score history lists the creation
    assert f"object_type=risk.risk&amp;object_id={risk.pk}" not in detail  # no trail access
    listing = client.get(f"{BASE}/register/").content.decode()
    assert "Laptop stolen from a car" in listing and "level-high" in listing
    no_inline_style(detail)
    no_inline_style(listing)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": ""}, "This field is required."),
        (
            {"inherent_likelihood": "2", "inherent_impact": "2", "residual_likelihood": "5",
             "residual_impact": "5"},
            "The residual risk cannot be higher than the inherent risk.",
        ),
        ({"inherent_impact": ""}, "Give both inherent likelihood and impact, or neither."),
        ({"status": "accepted"}, "Select a valid choice."),
    ],
)  # fmt: skip
def test_invalid_risks_show_messages_and_write_nothing(org_a, members_a, overrides, message):
    client = login(members_a[Role.ISMS_MANAGER])
    response = client.post(f"{BASE}/register/new/", form_data(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    with org_context(org_a):
        assert not Risk.objects.exists()


def test_owner_choices_are_members_of_this_organisation_only(org_a, org_b, members_a):
    outsider = make_member(org_b, "b-outsider", Role.CONTRIBUTOR)
    client = login(members_a[Role.ISMS_MANAGER])
    page = client.get(f"{BASE}/register/new/").content.decode()
    assert "a-contributor" in page and "b-outsider" not in page
    response = client.post(f"{BASE}/register/new/", form_data(owner=str(person_of(outsider).pk)))
    assert response.status_code == 200
    assert "Choose a person of the people register." in response.content.decode()


def test_coming_from_an_asset_prefills_it_and_edit_keeps_changes(org_a, members_a):
    manager = members_a[Role.ISMS_MANAGER]
    with org_context(org_a), acting_as(manager):
        asset = create_asset({"name": "ERP server", "type": "hardware"})
    client = login(manager)
    page = client.get(f"{BASE}/register/new/?asset={asset.ref}").content.decode()
    assert re.search(rf'<option value="{asset.pk}" selected>', page)
    risk = add_risk(org_a, manager, inherent_likelihood=3, inherent_impact=3)
    with org_context(org_a), acting_as(manager):
        risks.update_risk(risk, {"controls": ["A.5.15"]})
    edit = client.get(f"{BASE}/register/{risk.pk}/edit/").content.decode()
    assert 'value="A risk"' in edit
    assert '<option value="A.5.15" selected>A.5.15 Access control</option>' in edit
    assert '<option value="3" selected>3 · Possible</option>' in edit
    response = client.post(
        f"{BASE}/register/{risk.pk}/edit/",
        form_data(title="Renamed", assets=[str(asset.pk)], inherent_likelihood="5"),
    )
    assert response.status_code == 302
    with org_context(org_a):
        risk.refresh_from_db()
        assert risk.title == "Renamed" and risk.inherent_level == "critical"
        assert list(risk.assets.all()) == [asset]
        assert risk.score_history.count() == 2
    register = client.get(f"{BASE}/register/?asset={asset.ref}").content.decode()
    assert "Renamed" in register


def test_manager_deletes_a_risk_after_confirming(org_a, members_a):
    risk = add_risk(org_a, members_a[Role.CONTRIBUTOR])
    client = login(members_a[Role.ISMS_MANAGER])
    detail = client.get(f"{BASE}/register/{risk.pk}/").content.decode()
    assert f"{BASE}/register/{risk.pk}/delete/" in detail
    register = client.get(f"{BASE}/register/?q=x").content.decode()
    assert f"{BASE}/export/risks.xlsx?q=x" in register  # the export follows the filters
    assert f"{BASE}/export/treatment-plan.csv" in register
    assert f"{BASE}/import/risks/" in register
    contributor_view = login(members_a[Role.CONTRIBUTOR]).get(f"{BASE}/register/")
    assert "/export/" not in contributor_view.content.decode()
    assert f"/audit-trail/?object_type=risk.risk&amp;object_id={risk.pk}" in detail
    confirm = client.get(f"{BASE}/register/{risk.pk}/delete/").content.decode()
    assert "Delete risk “R-0001" in confirm  # the one confirmation page (core)
    response = client.post(f"{BASE}/register/{risk.pk}/delete/")
    assert response.status_code == 302
    with org_context(org_a):
        assert not Risk.objects.exists()
        assert Risk.with_deleted.get().deleted_at is not None  # restorable


# --- heat maps and the register behind them ---------------------------------------------


@pytest.fixture
def scored(org_a, members_a):
    """Two risks at Likely × Major, one at Unlikely × Moderate, one unscored."""
    manager = members_a[Role.ISMS_MANAGER]
    return {
        "high1": add_risk(org_a, manager, title="Ransomware on ERP", inherent_likelihood=4,
                          inherent_impact=4, residual_likelihood=2, residual_impact=3),
        "high2": add_risk(org_a, manager, title="Supplier breach", inherent_likelihood=4,
                          inherent_impact=4),
        "medium": add_risk(org_a, manager, title="Office flood", inherent_likelihood=2,
                           inherent_impact=3, residual_likelihood=2, residual_impact=3),
        "unscored": add_risk(org_a, manager, title="Not yet assessed"),
    }  # fmt: skip


def cells(svg: str) -> dict[str, int]:
    return {c: int(n) for c, n in re.findall(r'data-cell="(\d+-\d+)" data-count="(\d+)"', svg)}


def register_titles(client, query: str) -> set[str]:
    body = client.get(f"{BASE}/register/?{query}").content.decode()
    return set(re.findall(r'/register/[0-9a-f-]{36}/">([^<]+)</a></td>', body)) - {
        "R-0001", "R-0002", "R-0003", "R-0004",
    }  # fmt: skip


def test_heat_map_counts_and_links_filter_the_register_to_exactly_those_risks(members_a, scored):
    client = login(members_a[Role.VIEWER])
    page = client.get(f"{BASE}/").content.decode()
    inherent, residual = page.split('id="heatmap-residual"')
    assert cells(inherent)["4-4"] == 2 and cells(inherent)["2-3"] == 1
    assert sum(cells(inherent).values()) == 3
    assert cells(residual)["2-3"] == 2 and sum(cells(residual).values()) == 2
    assert len(cells(inherent)) == 25  # every cell of the 5 × 5 method, zeros included
    assert "Almost certain" in inherent and "Severe" in inherent  # axis labels from the method
    # A group, not an image: its cells are links (axe: nested-interactive).
    assert "<title" in inherent and 'role="group"' in inherent
    no_inline_style(page)

    href = re.search(r'<a href="([^"]+)"[^>]*data-cell="4-4"', inherent).group(1)
    assert href == f"{BASE}/register/?map=inherent&amp;cell=4-4"
    assert register_titles(client, "map=inherent&cell=4-4") == {
        "Ransomware on ERP",
        "Supplier breach",
    }
    assert register_titles(client, "map=residual&cell=2-3") == {"Ransomware on ERP", "Office flood"}
    assert register_titles(client, "map=inherent&cell=1-1") == set()
    chip = client.get(f"{BASE}/register/?map=inherent&cell=4-4").content.decode()
    assert "Inherent: Likely × Major" in chip
    assert 'href="?"' in chip  # the chip removes the cell (and map) filter
    # The other numbers of the overview open their lists too.
    assert f'{BASE}/register/?level=high"' in page
    assert f'{BASE}/register/?unscored=inherent"' in page
    assert register_titles(client, "level=high") == {"Ransomware on ERP", "Supplier breach"}
    assert register_titles(client, "unscored=inherent") == {"Not yet assessed"}
    assert register_titles(client, "unscored=residual") == {"Supplier breach", "Not yet assessed"}

    svg = client.get(f"{BASE}/heatmap/inherent.svg").content.decode()
    assert cells(svg) == cells(inherent)
    ET.fromstring(svg)


def test_register_filters_and_htmx_partial(members_a, scored):
    client = login(members_a[Role.VIEWER])
    assert register_titles(client, "q=flood") == {"Office flood"}
    assert register_titles(client, "q=R-0002") == {"Supplier breach"}
    assert register_titles(client, "status=identified") == {"Not yet assessed"}
    assert register_titles(client, "treatment=none") == {
        "Ransomware on ERP", "Supplier breach", "Office flood", "Not yet assessed",
    }  # fmt: skip
    partial = client.get(f"{BASE}/register/?q=flood", headers={"HX-Request": "true"})
    body = partial.content.decode()
    assert "Office flood" in body and "<html" not in body and 'id="risk-filters"' not in body
    assert "HX-Request" in partial["Vary"]
    restore = client.get(
        f"{BASE}/register/?q=flood",
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert 'id="risk-filters"' in restore.content.decode()  # back button: the whole page


def test_heatmap_renderer_escapes_organisation_labels():
    raw = default_method()
    raw["likelihood"][0]["label"] = '<script>alert("x")</script>'
    raw["impact"][0]["label"] = "R&D <b>"
    raw["levels"][0]["name"] = "Low & <i>ok</i>"
    method = parse(raw)
    rows = [
        [selectors.HeatCell(li, im, method.level_for(li, im), 0) for im in range(1, 6)]
        for li in range(5, 0, -1)
    ]
    heat = {"which": "inherent", "method": method, "rows": rows, "total": 0, "unscored": 0}
    svg = charts.heatmap_svg(heat, "/o/x/risk/register/")
    assert "<script>" not in svg and "<b>" not in svg and "<i>" not in svg
    assert "&lt;script&gt;" in svg and "R&amp;D" in svg and "Low &amp; &lt;i&gt;" in svg
    ET.fromstring(svg)


# --- acceptance -------------------------------------------------------------------------


def test_high_residual_is_refused_to_a_contributor_and_accepted_by_an_approver(org_a, members_a):
    risk = add_risk(
        org_a, members_a[Role.ISMS_MANAGER], title="Legacy VPN", inherent_likelihood=5,
        inherent_impact=5, residual_likelihood=4, residual_impact=4, treatment="accept",
    )  # fmt: skip
    assert risk.residual_level == "high"
    url = f"{BASE}/register/{risk.pk}/"
    contributor = login(members_a[Role.CONTRIBUTOR])
    page = contributor.get(url).content.decode()
    assert "Accept residual risk</button>" not in page and "may not accept this level" in page
    response = contributor.post(url + "accept/", {"comment": "fine"}, follow=True)
    body = response.content.decode()
    assert "A High risk (above the acceptance criteria) may only be accepted by" in body
    with org_context(org_a):
        risk.refresh_from_db()
        assert risk.status != RiskStatus.ACCEPTED

    approver = login(members_a[Role.APPROVER])
    assert "Accept residual risk" in approver.get(url).content.decode()
    response = approver.post(url + "accept/", {"comment": "Budget next year"}, follow=True)
    body = response.content.decode()
    assert "Residual risk of R-0001 accepted." in body
    assert "Accepted by a-approver (Approver (top management))" in body
    assert "Budget next year" in body
    assert "Accept residual risk</button>" not in body
    with org_context(org_a):
        risk.refresh_from_db()
        assert risk.status == RiskStatus.ACCEPTED

    # The author of the risk may not accept it (segregation of duties).
    author_risk = add_risk(
        org_a, members_a[Role.OWNER], title="Own", inherent_likelihood=1, inherent_impact=1,
        residual_likelihood=1, residual_impact=1,
    )  # fmt: skip
    owner = login(members_a[Role.OWNER])
    response = owner.post(f"{BASE}/register/{author_risk.pk}/accept/", follow=True)
    assert "segregation of duties" in response.content.decode()


# --- treatment plan ---------------------------------------------------------------------


def test_plan_sign_off_flow(org_a, members_a):
    manager, contributor = members_a[Role.ISMS_MANAGER], members_a[Role.CONTRIBUTOR]
    risk = add_risk(org_a, manager, title="Phishing", owner=contributor, treatment="mitigate",
                    inherent_likelihood=4, inherent_impact=3)  # fmt: skip
    add_action(org_a, manager, risk, title="Phishing drill", owner=contributor,
               due_date=dt.date(2000, 1, 1))  # fmt: skip
    add_action(org_a, manager, risk, title="Mail filter", due_date=dt.date(2999, 1, 1))

    page = login(members_a[Role.VIEWER]).get(f"{BASE}/plan/").content.decode()
    assert "Phishing drill" in page and "overdue" in page
    assert re.search(r'id="owners-pending">a-contributor<', page)
    assert "Sign:" not in page
    overdue = login(manager).get(f"{BASE}/plan/?overdue=1").content.decode()
    assert "Phishing drill" in overdue and "Mail filter" not in overdue
    by_owner = login(manager).get(f"{BASE}/plan/?owner=a-contributor").content.decode()
    assert "Phishing drill" in by_owner and "Mail filter" not in by_owner
    by_risk = login(manager).get(f"{BASE}/plan/?sort=risk").content.decode()
    assert by_risk.index("Phishing drill") < by_risk.index("Mail filter")
    later = login(manager).get(f"{BASE}/plan/?sort=status&status=planned").content.decode()
    assert "Mail filter" in later

    # The manager owns no treated risk: nothing to sign, said in words.
    response = login(manager).post(f"{BASE}/plan/sign/", follow=True)
    assert "You own no treated risk in this plan" in response.content.decode()

    c = login(contributor)
    assert "Sign: confirm my part" in c.get(f"{BASE}/plan/").content.decode()
    page = c.post(f"{BASE}/plan/sign/", {"comment": "ok"}, follow=True).content.decode()
    assert "You signed your part of the treatment plan." in page
    assert re.search(r'id="owners-signed">a-contributor<', page)
    assert "You have signed this version." in page

    a = login(members_a[Role.APPROVER])
    assert "Sign: approve the plan" in a.get(f"{BASE}/plan/").content.decode()
    page = a.post(f"{BASE}/plan/sign/", follow=True).content.decode()
    assert "You approved the treatment plan." in page
    assert "<strong>Approved</strong> in its current form by a-approver" in page

    # Changing the plan asks for new signatures.
    add_action(org_a, manager, risk, title="Awareness poster")
    page = a.get(f"{BASE}/plan/").content.decode()
    assert re.search(r'id="owners-pending">a-contributor<', page)
    assert "Not approved by top management in its current form." in page


def test_action_forms(org_a, members_a):
    manager, contributor = members_a[Role.ISMS_MANAGER], members_a[Role.CONTRIBUTOR]
    risk = add_risk(org_a, manager, owner=contributor)
    client = login(contributor)
    form = client.get(f"{BASE}/register/{risk.pk}/actions/new/").content.decode()
    assert "A.8.24 Use of cryptography" in form
    mine = person_of(contributor)
    assert f'<option value="{mine.pk}" selected>' in form  # the risk owner by default
    response = client.post(f"{BASE}/register/{risk.pk}/actions/new/", {"title": ""})
    assert "This field is required." in response.content.decode()
    response = client.post(
        f"{BASE}/register/{risk.pk}/actions/new/",
        {"title": "Encrypt backups", "owner": str(mine.pk), "due_date": "2030-01-31",
         "status": "planned", "control": "A.8.24"},
    )  # fmt: skip
    assert response.status_code == 302
    with org_context(org_a):
        action = risk.actions.get()
        assert action.control.ref == "A.8.24" and str(action.due_date) == "2030-01-31"
    response = client.post(
        f"{BASE}/actions/{action.pk}/edit/?next=plan",
        {"title": "Encrypt all backups", "status": "done", "next": "plan"},
    )
    assert response.status_code == 302 and response["Location"].endswith("/risk/plan/")
    with org_context(org_a):
        action.refresh_from_db()
        assert action.status == "done" and action.completed_at is not None
    assert login(members_a[Role.VIEWER]).get(f"{BASE}/actions/{action.pk}/edit/").status_code == 403


def test_my_risks_and_actions(org_a, members_a):
    manager, contributor = members_a[Role.ISMS_MANAGER], members_a[Role.CONTRIBUTOR]
    mine = add_risk(org_a, manager, title="Mine", owner=contributor)
    add_risk(org_a, manager, title="Someone else's", owner=manager)
    add_action(org_a, manager, mine, title="My open action", owner=contributor)
    add_action(org_a, manager, mine, title="My done action", owner=contributor, status="done")
    page = login(contributor).get(f"{BASE}/mine/").content.decode()
    assert "Mine" in page and "Someone else&#x27;s" not in page
    assert "My open action" in page and "My done action" not in page


# --- query counts -----------------------------------------------------------------------


def _fill(org, members, start: int, stop: int) -> None:
    manager, contributor = members[Role.ISMS_MANAGER], members[Role.CONTRIBUTOR]
    with org_context(org), acting_as(manager):
        for i in range(start, stop):
            risk = risks.create_risk({
                "title": f"Risk {i}", "owner": contributor, "treatment": "mitigate",
                "inherent_likelihood": 1 + i % 5, "inherent_impact": 1 + (i // 5) % 5,
                "controls": ["A.8.24"],
            })  # fmt: skip
            actions.create_action(risk, {"title": f"Action {i}", "owner": contributor,
                                         "control": "A.8.7"})  # fmt: skip


def test_page_queries_do_not_grow_with_the_register(
    org_a, members_a, django_assert_max_num_queries
):
    client = login(members_a[Role.CONTRIBUTOR])
    urls = [f"{BASE}/register/", f"{BASE}/", f"{BASE}/plan/", f"{BASE}/mine/",
            f"{BASE}/register/?map=inherent&cell=1-1"]  # fmt: skip
    _fill(org_a, members_a, 0, 5)
    for url in urls:
        client.get(url)  # session and first-use caches warmed
    counts = {}
    for url in urls:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        counts[url] = len(ctx.captured_queries)
    _fill(org_a, members_a, 5, 200)
    for url in urls:
        with django_assert_max_num_queries(counts[url]):
            response = client.get(url)
        assert response.status_code == 200
    assert "Risk 199" in client.get(f"{BASE}/mine/").content.decode()
