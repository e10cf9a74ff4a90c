"""The risk API's lists: pagination, filters, heat map, treatment plan, flat query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from openisms.core.context import org_context
from openisms.core.permissions import Role
from openisms.risk.models import RiskScoreHistory, TreatmentAction
from openisms.risk.services.actions import create_action
from openisms.risk.services.assets import create_asset
from openisms.risk.services.risks import create_risk
from tests.conftest import login, person_of
from tests.test_risk_api import Api, R, callers, ok

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(members_a, org_a) -> dict[str, Api]:
    return callers(members_a, org_a)


def _register(org, n: int, *, owner=None) -> None:
    with org_context(org):
        asset = create_asset({"name": f"Asset {n}", "type": "hardware"})
        for i in range(n):
            li, im = 1 + i % 5, 1 + (i * 2) % 5
            create_risk({
                "title": f"Risk {i}", "assets": [asset], "owner": owner if i % 2 else None,
                "inherent_likelihood": li, "inherent_impact": im,
                "residual_likelihood": max(1, li - 1), "residual_impact": max(1, im - 1),
                "controls": ["A.8.13"] if i % 3 else [], "treatment": "" if i % 4 else "mitigate",
            })  # fmt: skip


def test_pagination_and_filters(api, org_a, members_a):
    _register(org_a, 9, owner=person_of(members_a[Role.CONTRIBUTOR]))
    viewer = api[Role.VIEWER]
    page = ok(viewer.get("/risks", limit=4, offset=4))
    assert (page["count"], page["limit"], page["offset"], len(page["items"])) == (9, 4, 4, 4)
    everything = ok(viewer.get("/risks", limit=200))["items"]
    assert [r["ref"] for r in everything] == sorted(r["ref"] for r in everything)
    checks = {
        "owner": lambda r: r["owner"] == "a-contributor",
        "control": lambda r: "A.8.13" in r["controls"],
        "level": lambda r: r["inherent_level"] == "high",
        "treatment": lambda r: r["treatment"] == "",
        "q": lambda r: r["title"] == "Risk 3",
    }
    values = {"owner": "a-contributor", "control": "A.8.13", "level": "high",
              "treatment": "none", "q": "risk 3"}  # fmt: skip
    for name, keep in checks.items():
        found = ok(viewer.get("/risks", limit=200, **{name: values[name]}))
        wanted = [r["ref"] for r in everything if keep(r)]
        assert wanted and [r["ref"] for r in found["items"]] == wanted, name
        assert found["count"] == len(wanted)
    assert viewer.get("/risks", limit=201).status_code == 422
    assert ok(viewer.get("/risks", cell="x-y"))["count"] == 0


def test_heat_map_counts_equal_the_register(api, org_a, members_a):
    _register(org_a, 23, owner=person_of(members_a[Role.CONTRIBUTOR]))
    viewer = api[Role.VIEWER]
    for which in ("inherent", "residual"):
        for extra in ({}, {"owner": "a-contributor"}):
            heat = ok(viewer.get("/heatmap", which=which, **extra))
            assert heat["which"] == which and len(heat["rows"]) == len(heat["likelihood"]) == 5
            assert [c["likelihood"] for c in heat["rows"][0]] == [5] * 5  # highest on top
            total = 0
            for row in heat["rows"]:
                for cell in row:
                    listed = ok(viewer.get("/risks", map=which,
                                           cell=f"{cell['likelihood']}-{cell['impact']}",
                                           **extra))  # fmt: skip
                    assert listed["count"] == cell["count"], (which, extra, cell)
                    assert all(r[f"{which}_level"] == cell["level"] for r in listed["items"])
                    total += cell["count"]
            assert total == heat["total"] == ok(viewer.get("/risks", **extra))["count"]
    assert heat["rows"][0][4]["colour"] == "#c62828"


def test_actions_plan_and_my_work(api, org_a, members_a):
    manager, contributor = api[Role.ISMS_MANAGER], api[Role.CONTRIBUTOR]
    risk = ok(manager.post("/risks", {"title": "Phishing", "owner": "a-contributor",
                                      "treatment": "mitigate"}), 201)  # fmt: skip
    late = ok(contributor.post(f"/risks/{risk['id']}/actions", {
        "title": "Train staff", "owner": "a-contributor", "control": "A.6.3",
        "due_date": str(timezone.localdate() - dt.timedelta(days=3)),
    }), 201)  # fmt: skip
    assert late["overdue"] and late["risk"] == risk["ref"] and late["control"] == "A.6.3"
    later = ok(contributor.post(f"/risks/{risk['id']}/actions", {"title": "Add MFA"}), 201)
    assert not later["overdue"]

    assert [a["id"] for a in ok(manager.get("/actions", overdue="true"))["items"]] == [late["id"]]
    assert ok(manager.get("/actions", owner="a-contributor"))["count"] == 1
    assert ok(manager.get(f"/risks/{risk['id']}/actions"))["count"] == 2
    mine = ok(contributor.get("/me"))
    assert [r["ref"] for r in mine["risks"]] == [risk["ref"]]
    assert [a["title"] for a in mine["actions"]] == ["Train staff"]

    done = ok(contributor.patch(f"/actions/{late['id']}", {"status": "done"}))
    assert done["completed_at"] and not done["overdue"]
    assert ok(manager.get("/actions", overdue="true"))["count"] == 0
    assert ok(contributor.get("/me"))["actions"] == []
    assert ok(manager.delete(f"/actions/{later['id']}"), 204) == {}
    with org_context(org_a):
        assert not TreatmentAction.objects.filter(pk=later["id"]).exists()

    plan = ok(manager.get("/treatment-plan"))
    assert plan["owners_pending"] == ["a-contributor"] and not plan["approved"]
    assert plan["counts"] == {
        "treated_risks": 1,
        "untreated_risks": 0,
        "actions": 1,
        "open_actions": 0,
        "overdue_actions": 0,
        "done_actions": 1,
    }
    refused = manager.post("/treatment-plan/sign", {})  # owns no treated risk
    assert refused.status_code == 400 and "nothing to sign" in refused.json()["detail"]
    signed = ok(contributor.post("/treatment-plan/sign", {"comment": "my part"}))
    assert signed["plan"]["owners_signed"] == ["a-contributor"]
    approved = ok(api[Role.APPROVER].post("/treatment-plan/sign", {}))
    assert approved["plan"]["approved"] and approved["plan"]["approved_by"] == ["a-approver"]


def test_session_callers_name_the_organisation(members_a, org_a):
    client = login(members_a[Role.VIEWER])
    assert client.get(f"{R}/risks", headers={"X-Organisation": "alpha"}).status_code == 200
    assert client.get(f"{R}/risks", headers={"X-Organisation": "nowhere"}).status_code == 404


LISTS = [
    "/risks?limit=200", "/risks?limit=200&asset=A-0001", "/assets?limit=200",
    "/actions?limit=200", "/me", "/heatmap?which=residual", "/threats?limit=200",
]  # fmt: skip


def _grow(org, user, n: int) -> None:
    with org_context(org):
        assets = [create_asset({"name": f"Asset {i}", "owner": user}) for i in range(n)]
        for i, asset in enumerate(assets):
            risk = create_risk({
                "title": f"Risk {i}", "assets": [asset, assets[0]], "owner": user,
                "threat": None, "controls": ["A.8.13", "A.5.1"], "inherent_likelihood": 3,
                "inherent_impact": 3, "treatment": "mitigate",
            })  # fmt: skip
            create_action(risk, {"title": f"Action {i}", "owner": user})
            if i:
                asset.depends_on.set([assets[0]])


def test_list_queries_do_not_grow(api, org_a, members_a, django_assert_max_num_queries):
    owner = api[Role.OWNER]
    _grow(org_a, members_a[Role.OWNER], 5)
    small = {}
    for url in LISTS:
        with CaptureQueriesContext(connection) as ctx:
            assert owner.client.get(R + url).status_code == 200, url
        small[url] = len(ctx)
    _grow(org_a, members_a[Role.OWNER], 195)
    for url in LISTS:
        with django_assert_max_num_queries(small[url]):
            response = owner.client.get(R + url)
        assert response.status_code == 200
    assert len(ok(owner.get("/risks", limit=200))["items"]) == 200
    assert max(small.values()) <= 12, small
    with org_context(org_a):
        assert RiskScoreHistory.objects.count() == 200
