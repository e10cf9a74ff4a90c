"""Searchable pickers: the widgets, the server search of long lists, the live level data, and the
keyboard pieces of the base page (skip link, menu button)."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from openisms.core import forms as core_forms
from openisms.core.context import acting_as, org_context
from openisms.core.permissions import Role
from openisms.risk.services import risks
from openisms.risk.services.assets import create_asset
from tests.conftest import login

pytestmark = pytest.mark.django_db


def add_assets(org, author, names):
    with org_context(org), acting_as(author):
        return [create_asset({"name": name, "type": "hardware"}) for name in names]


def select_html(html: str, name: str) -> str:
    match = re.search(rf'<select name="{name}"[^>]*>.*?</select>', html, re.S)
    assert match, f"no select {name}"
    return match.group(0)


def test_asset_search_is_paged_scoped_and_checked(members_a, members_b, org_a, org_b):
    manager = members_a[Role.ISMS_MANAGER]
    add_assets(org_a, manager, [f"Laptop {i:02}" for i in range(35)] + ["Mail server"])
    add_assets(org_b, members_b[Role.ISMS_MANAGER], ["Laptop of bravo"])
    client = login(members_a[Role.VIEWER])  # reading is enough to search

    first = client.get("/o/alpha/risk/pick/assets/", {"q": "laptop"}).json()
    assert len(first["results"]) == 30 and first["more"] is True
    second = client.get("/o/alpha/risk/pick/assets/", {"q": "LAPTOP", "page": "2"}).json()
    assert len(second["results"]) == 5 and second["more"] is False
    texts = [r["text"] for r in first["results"] + second["results"]]
    assert "Laptop of bravo" not in " ".join(texts)  # another organisation's asset
    by_ref = client.get("/o/alpha/risk/pick/assets/", {"q": "A-0036"}).json()["results"]
    assert [r["text"] for r in by_ref] == ["A-0036 Mail server"]
    assert client.get("/o/alpha/risk/pick/assets/", {"page": "x"}).status_code == 200

    assert login(members_b[Role.ISMS_MANAGER]).get("/o/alpha/risk/pick/assets/").status_code in (
        403,
        404,
    )
    anonymous = Client().get("/o/alpha/risk/pick/assets/")
    assert anonymous.status_code == 302


def test_risk_search_finds_by_reference_and_title(members_a, org_a):
    manager = members_a[Role.ISMS_MANAGER]
    with org_context(org_a), acting_as(manager):
        risks.create_risk({"title": "Ransomware on the file server"})
        risks.create_risk({"title": "Phishing of staff"})
    client = login(members_a[Role.AUDITOR])
    found = client.get("/o/alpha/risk/pick/risks/", {"q": "phish"}).json()["results"]
    assert [r["text"] for r in found] == ["R-0002 Phishing of staff"]
    assert len(client.get("/o/alpha/risk/pick/risks/").json()["results"]) == 2


@pytest.mark.parametrize("assets", [3, 9])
def test_search_answers_in_constant_queries(
    members_a, org_a, assets, django_assert_max_num_queries
):
    add_assets(org_a, members_a[Role.ISMS_MANAGER], [f"Server {i}" for i in range(assets)])
    client = login(members_a[Role.VIEWER])
    client.get("/o/alpha/risk/pick/assets/")  # warm the session and membership caches
    with django_assert_max_num_queries(8):
        assert client.get("/o/alpha/risk/pick/assets/", {"q": "server"}).status_code == 200


def test_short_lists_render_every_option_and_long_ones_only_the_chosen(
    members_a, org_a, monkeypatch
):
    manager = members_a[Role.ISMS_MANAGER]
    laptops = add_assets(org_a, manager, ["Laptop one", "Laptop two", "Laptop three", "NAS"])
    with org_context(org_a), acting_as(manager):
        risk = risks.create_risk({"title": "Stolen laptop", "assets": [laptops[1]]})
    client = login(manager)
    edit = f"/o/alpha/risk/register/{risk.pk}/edit/"

    short = select_html(client.get(edit).content.decode(), "assets")
    assert "data-searchable" in short and "data-search-url" not in short
    assert short.count("<option") == 4  # without JavaScript the plain select still works

    monkeypatch.setattr(core_forms, "SEARCH_AFTER", 3)
    html = client.get(edit).content.decode()
    long = select_html(html, "assets")
    assert 'data-search-url="/o/alpha/risk/pick/assets/"' in long
    assert long.count("<option") == 1 and "Laptop two" in long and "selected" in long
    assert "data-search-url" not in select_html(html, "controls")  # no search address: all
    assert select_html(html, "controls").count("<option") == 93

    # An asset the page never rendered is still accepted: validation uses the whole list.
    data = {"title": "Stolen laptop", "kind": "risk", "status": "identified"}
    response = client.post(edit, {**data, "assets": [str(laptops[3].pk), str(laptops[1].pk)]})
    assert response.status_code == 302
    with org_context(org_a):
        assert {a.name for a in risk.assets.all()} == {"NAS", "Laptop two"}


def test_owner_and_multi_pickers_are_marked_searchable_across_forms(members_a):
    client = login(members_a[Role.ISMS_MANAGER])
    pages = {
        "/o/alpha/risk/register/new/": ("owner", "assets", "controls", "threat"),
        "/o/alpha/risk/assets/new/": ("owner", "custodian", "depends_on"),
        "/o/alpha/documents/new/": ("owner", "controls", "distribution"),
        "/o/alpha/context/issues/new/": ("risks",),
        "/o/alpha/context/requirements/new/": ("owner", "parties", "controls"),
        "/o/alpha/people/new/": ("manager", "user"),
    }
    for path, names in pages.items():
        html = client.get(path).content.decode()
        for name in names:
            tag = select_html(html, name).split(">", 1)[0]
            assert "data-searchable" in tag and "size=" not in tag, (path, name)


def test_risk_form_carries_the_method_for_the_live_level(members_a):
    html = login(members_a[Role.ISMS_MANAGER]).get("/o/alpha/risk/register/new/").content.decode()
    raw = re.search(r'data-risk-levels="([^"]+)"', html).group(1)
    data = json.loads(raw.replace("&quot;", '"').replace("&amp;", "&"))
    assert len(data["matrix"]) == 5 and data["matrix"][3][3] in data["levels"]
    assert data["levels"][data["matrix"][3][3]]["name"] == "High"
    assert 'id="inherent-preview"' in html and 'id="residual-preview"' in html
    assert 'data-likelihood="id_inherent_likelihood" data-impact="id_inherent_impact"' in html


def test_base_page_starts_with_a_skip_link_and_has_a_menu_button(members_a):
    html = login(members_a[Role.VIEWER]).get("/o/alpha/").content.decode()
    body = html.split("<body", 1)[1]
    first_focusable = re.search(r"<(a|button|input|select|textarea)\b[^>]*>", body).group(0)
    assert 'href="#main"' in first_focusable and "Skip to content" in body
    assert 'aria-controls="sidebar"' in body and 'aria-expanded="false"' in body
    assert '<main id="main" tabindex="-1">' in body
    assert 'id="sidebar" aria-label="Main navigation"' in body
    assert "tom-select.complete.min.js" in html and "axe" not in html  # axe is test-only
