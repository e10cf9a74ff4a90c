"""The risk module's API: round trips, permission gates, method approval, acceptance, input."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from openisms.core.context import org_context
from openisms.core.models import AuditEntry
from openisms.core.permissions import Role, can
from openisms.core.services.tokens import issue_token
from openisms.risk.models import Asset, Methodology, Risk
from openisms.risk.scoring import default_method
from openisms.risk.services.actions import create_action
from openisms.risk.services.assets import create_asset
from openisms.risk.services.risks import create_risk

pytestmark = pytest.mark.django_db
R = "/api/v1/risk"


class Api:
    """A token-authenticated caller with JSON helpers."""

    def __init__(self, raw: str) -> None:
        self.client = Client(headers={"Authorization": f"Bearer {raw}"})

    def get(self, path: str, **params):
        return self.client.get(R + path, params)

    def send(self, method: str, path: str, body=None):
        data = body if isinstance(body, str) else json.dumps(body if body is not None else {})
        return self.client.generic(method, R + path, data, content_type="application/json")

    def post(self, path: str, body=None):
        return self.send("POST", path, body)

    def patch(self, path: str, body=None):
        return self.send("PATCH", path, body)

    def delete(self, path: str):
        return self.client.delete(R + path)


def callers(members: dict, org) -> dict[str, Api]:
    """One token-authenticated caller per role."""
    return {role: Api(issue_token(user, org, "tests")[1]) for role, user in members.items()}


@pytest.fixture
def api(members_a, org_a) -> dict[str, Api]:
    return callers(members_a, org_a)


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.content
    return response.json() if response.content else {}


def test_asset_round_trip(api):
    owner = api[Role.OWNER]
    base = ok(owner.post("/assets", {"name": "Payroll DB", "type": "software"}), 201)
    body = {
        "name": "  CRM  ", "type": "service", "owner": "a-contributor", "custodian": "a-owner",
        "classification": "Confidential", "confidentiality": 5, "integrity": 4,
        "availability": 2, "depends_on": [base["ref"]], "tags": ["Cloud", "crm"],
        "location": "EU", "lifecycle": "planned",
    }  # fmt: skip
    made = ok(owner.post("/assets", body), 201)
    assert made["name"] == "CRM" and made["ref"] != base["ref"]
    assert made["owner"] == "a-contributor" and made["classification"] == "Confidential"
    assert made["depends_on"] == [base["ref"]] and made["tags"] == ["Cloud", "crm"]
    assert ok(owner.get(f"/assets/{base['id']}"))["dependants"] == [made["ref"]]

    changed = ok(owner.patch(f"/assets/{made['id']}", {"owner": None, "integrity": 1}))
    assert changed["owner"] is None and changed["integrity"] == 1
    assert changed["custodian"] == "a-owner" and changed["confidentiality"] == 5  # untouched

    for params, expected in (
        ({"type": "service"}, [made["ref"]]),
        ({"classification": "Confidential"}, [made["ref"]]),
        ({"lifecycle": "planned"}, [made["ref"]]),
        ({"tag": "CLOUD"}, [made["ref"]]),
        ({"q": "payroll"}, [base["ref"]]),
        ({"type": "hardware", "q": "crm"}, []),
    ):
        assert [a["ref"] for a in ok(owner.get("/assets", **params))["items"]] == expected

    # An asset a risk still points at cannot go: the service's message comes back as a 400.
    ok(owner.post("/risks", {"title": "CRM outage", "assets": [made["ref"]]}), 201)
    refused = owner.delete(f"/assets/{made['id']}")
    assert refused.status_code == 400 and "still has risks" in refused.json()["detail"]
    assert ok(owner.delete(f"/assets/{base['id']}"), 204) == {}
    assert owner.get(f"/assets/{base['id']}").status_code == 404


def test_risk_round_trip_with_computed_levels(api, in_org_a):
    owner = api[Role.OWNER]
    asset = ok(owner.post("/assets", {"name": "Laptop fleet", "type": "hardware"}), 201)
    body = {
        "title": "Ransomware on laptops", "assets": [asset["ref"]], "threat": "T01",
        "vulnerability": "V01", "owner": "a-contributor", "inherent_likelihood": 4,
        "inherent_impact": 4, "residual_likelihood": 2, "residual_impact": 2,
        "treatment": "mitigate", "controls": ["A.8.7", "A.8.13"],
    }  # fmt: skip
    risk = ok(owner.post("/risks", body), 201)
    assert (risk["inherent_level"], risk["inherent_level_name"]) == ("high", "High")
    assert (risk["residual_level"], risk["residual_level_name"]) == ("low", "Low")
    assert risk["controls"] == ["A.8.13", "A.8.7"] and risk["assets"] == [asset["ref"]]
    assert risk["threat"] == "T01" and risk["vulnerability"] == "V01"
    assert risk["status"] == "assessed" and risk["methodology_version"] == 1
    assert risk["next_review"] is not None and risk["score_history"][0]["reason"] == "created"

    changed = ok(owner.patch(f"/risks/{risk['id']}", {"inherent_impact": 5, "threat": None}))
    assert changed["inherent_level"] == "critical" and changed["threat"] is None
    assert changed["residual_level"] == "low" and changed["controls"] == risk["controls"]
    assert len(changed["score_history"]) == 2
    assert ok(owner.get(f"/risks/{risk['id']}"))["inherent_level_name"] == "Critical"

    assert ok(owner.delete(f"/risks/{risk['id']}"), 204) == {}
    assert not Risk.objects.filter(pk=risk["id"]).exists()
    assert owner.get(f"/risks/{risk['id']}").status_code == 404


def _samples(org) -> dict[str, str]:
    with org_context(org):
        asset = create_asset({"name": "Sample", "type": "hardware"})
        risk = create_risk({"title": "Sample risk", "inherent_likelihood": 2,
                            "inherent_impact": 2, "residual_likelihood": 1,
                            "residual_impact": 1})  # fmt: skip
        action = create_action(risk, {"title": "Sample action"})
    return {"asset": str(asset.pk), "risk": str(risk.pk), "action": str(action.pk)}


# (method, path, body, the permission the page asks for)
GATES = [
    ("GET", "/methodology", None, "records.view"),
    ("GET", "/methodology/versions", None, "records.view"),
    ("POST", "/methodology", {"method": default_method()}, "risk.methodology.change"),
    ("GET", "/classification-levels", None, "records.view"),
    ("GET", "/threats", None, "records.view"),
    ("POST", "/threats", {"code": "X{n}", "name": "x", "category": "x"}, "records.create"),
    ("POST", "/vulnerabilities", {"code": "Y{n}", "name": "y", "category": "y"}, "records.create"),
    ("GET", "/assets", None, "records.view"),
    ("POST", "/assets", {"name": "x"}, "records.create"),
    ("GET", "/assets/{asset}", None, "records.view"),
    ("PATCH", "/assets/{asset}", {"name": "y"}, "records.change"),
    ("DELETE", "/assets/{asset}", None, "records.delete"),
    ("GET", "/risks", None, "records.view"),
    ("POST", "/risks", {"title": "x"}, "records.create"),
    ("GET", "/risks/{risk}", None, "records.view"),
    ("PATCH", "/risks/{risk}", {"title": "y"}, "records.change"),
    ("POST", "/risks/{risk}/accept", {}, "risk.accept"),
    ("GET", "/risks/{risk}/actions", None, "records.view"),
    ("POST", "/risks/{risk}/actions", {"title": "x"}, "records.create"),
    ("PATCH", "/actions/{action}", {"status": "in_progress"}, "records.change"),
    ("DELETE", "/actions/{action}", None, "records.delete"),
    ("DELETE", "/risks/{risk}", None, "records.delete"),
    ("GET", "/actions", None, "records.view"),
    ("GET", "/heatmap", None, "records.view"),
    ("GET", "/treatment-plan", None, "records.view"),
    ("GET", "/me", None, "records.view"),
]


@pytest.mark.parametrize("role", Role.values)
def test_every_route_asks_the_pages_permission(api, org_a, role):
    ids = _samples(org_a)
    caller = api[role]
    for n, (method, path, body, action) in enumerate(GATES):
        url = path.format(**ids)
        payload = json.loads(json.dumps(body).replace("{n}", str(n))) if body else None
        response = caller.send(method, url, payload) if payload else caller.send(method, url)
        if can(role, action):
            assert response.status_code in {200, 201, 204, 400}, (role, method, url, response)
        else:
            assert response.status_code == 403, (role, method, url, response.status_code)
            assert action in response.json()["detail"]


def test_roles_as_the_issue_describes_them(api, org_a):
    ids = _samples(org_a)
    for role in (Role.VIEWER, Role.AUDITOR):
        assert api[role].get("/risks").status_code == 200
        assert api[role].post("/risks", {"title": "x"}).status_code == 403
        assert api[role].patch(f"/assets/{ids['asset']}", {"name": "x"}).status_code == 403
    contributor = api[Role.CONTRIBUTOR]
    assert contributor.post("/risks", {"title": "mine"}).status_code == 201
    assert contributor.patch(f"/risks/{ids['risk']}", {"title": "edited"}).status_code == 200
    assert contributor.delete(f"/risks/{ids['risk']}").status_code == 403
    assert contributor.delete(f"/actions/{ids['action']}").status_code == 403
    approve = {"decision": "approve"}
    assert api[Role.ISMS_MANAGER].post("/methodology/1/decision", approve).status_code == 403
    assert api[Role.APPROVER].post("/methodology/1/decision", approve).status_code == 200
    assert api[Role.VIEWER].post("/treatment-plan/sign", {}).status_code == 403
    with org_context(org_a):
        assert Risk.objects.filter(pk=ids["risk"]).exists()


def three_by_three() -> dict:
    levels = [
        {"key": "low", "name": "Low", "colour": "#2e7d32", "accept_roles": ["contributor"]},
        {"key": "high", "name": "High", "colour": "#c62828", "accept_roles": ["approver"]},
    ]
    return {
        "likelihood": [{"label": x} for x in ("Seldom", "Sometimes", "Often")],
        "impact": [{"label": x} for x in ("Small", "Medium", "Large")],
        "levels": levels,
        "matrix": [["low", "low", "high"], ["low", "high", "high"], ["high", "high", "high"]],
        "acceptance_threshold": "low",
        "review_months": 6,
    }


def test_method_change_needs_approval_then_rescores(api, org_a):
    manager, approver = api[Role.ISMS_MANAGER], api[Role.APPROVER]
    risk = ok(manager.post("/risks", {"title": "Flood", "inherent_likelihood": 5,
                                      "inherent_impact": 1}), 201)  # fmt: skip
    assert risk["inherent_level"] == "medium"

    bad = manager.post("/methodology", {"method": {**three_by_three(), "matrix": [["low"]]}})
    assert bad.status_code == 400 and "matrix needs 3 rows" in json.dumps(bad.json())
    draft = ok(manager.post("/methodology", {"method": three_by_three(), "note": "simpler"}), 201)
    assert (draft["version"], draft["status"]) == (2, "draft")
    state = ok(manager.get("/methodology"))
    assert state["current"]["version"] == 1 and state["draft"]["note"] == "simpler"
    assert ok(manager.get(f"/risks/{risk['id']}"))["inherent_level"] == "medium"  # not yet

    assert manager.post("/methodology/2/decision", {"decision": "approve"}).status_code == 403
    refused = approver.post("/methodology/2/decision", {"decision": "reject"})
    assert refused.status_code == 400 and "Say why" in refused.json()["detail"]
    decided = ok(approver.post("/methodology/2/decision", {"decision": "approve"}))
    assert decided["status"] == "current" and decided["approval"]["state"] == "approved"
    assert decided["approval"]["latest"]["approver"] == "a-approver"

    rescored = ok(manager.get(f"/risks/{risk['id']}"))
    assert (rescored["inherent_likelihood"], rescored["inherent_impact"]) == (3, 1)
    assert rescored["inherent_level"] == "high" and rescored["methodology_version"] == 2
    assert "re-scored for method v2" in rescored["score_history"][0]["reason"]
    versions = ok(manager.get("/methodology/versions"))
    assert [(v["version"], v["status"]) for v in versions["items"]] == [
        (2, "current"), (1, "superseded")
    ]  # fmt: skip
    stale = approver.post("/methodology/1/decision", {"decision": "approve"})
    assert stale.status_code == 400 and "superseded" in stale.json()["detail"]
    assert approver.post("/methodology/9/decision", {"decision": "approve"}).status_code == 404


def test_author_cannot_approve_their_own_draft(api, org_a):
    owner = api[Role.OWNER]  # the owner may both change and approve the method
    ok(owner.post("/methodology", {"method": three_by_three()}), 201)
    refused = owner.post("/methodology/2/decision", {"decision": "approve", "comment": "fine"})
    assert refused.status_code == 400
    assert "segregation of duties" in refused.json()["detail"]
    with org_context(org_a):
        assert Methodology.objects.get(version=2).status == "draft"


def test_acceptance_follows_the_methods_criteria(api, org_a):
    manager = api[Role.ISMS_MANAGER]
    risk = ok(manager.post("/risks", {"title": "Supplier breach", "inherent_likelihood": 5,
                                      "inherent_impact": 5, "residual_likelihood": 4,
                                      "residual_impact": 4}), 201)  # fmt: skip
    assert risk["residual_level"] == "high"  # the default method: approver or owner only
    url = f"/risks/{risk['id']}/accept"
    for role in (Role.CONTRIBUTOR, Role.ISMS_MANAGER):
        refused = api[role].post(url, {"comment": "ok"})
        assert refused.status_code == 400, role
        assert "may only be accepted by" in refused.json()["detail"]
    assert api[Role.AUDITOR].post(url, {}).status_code == 403
    sneaky = manager.patch(f"/risks/{risk['id']}", {"status": "accepted"})
    assert sneaky.status_code == 400 and "sign-off" in sneaky.json()["detail"]["status"][0]
    assert ok(manager.get(f"/risks/{risk['id']}"))["status"] == "assessed"

    accepted = ok(api[Role.APPROVER].post(url, {"comment": "within appetite this year"}))
    assert accepted["risk"]["status"] == "accepted" and accepted["risk"]["accepted_at"]
    assert accepted["approval"]["approver"] == "a-approver"
    assert accepted["risk"]["acceptance"]["state"] == "approved"


def test_bad_input_is_refused_clearly_and_changes_nothing(api, org_a, members_b):
    owner = api[Role.OWNER]
    asset = ok(owner.post("/assets", {"name": "Mail"}), 201)
    with org_context(org_a):
        before = (Risk.objects.count(), Asset.objects.count(), AuditEntry.objects.count())
    cases = [
        ("POST", "/risks", {"title": "x", "assets": ["A-9999"]}, 400, "assets"),
        ("POST", "/risks", {"title": "x", "owner": "b-owner"}, 400, "No person called"),
        ("POST", "/risks", {"title": "x", "threat": "T999"}, 400, "Unknown threat"),
        ("POST", "/risks", {"title": "x", "controls": ["A.99"]}, 400, "Not Annex A"),
        ("POST", "/risks", {"title": "x", "inherent_likelihood": 9, "inherent_impact": 1},
         400, "between 1 and 5"),
        ("POST", "/risks", {"title": "x", "inherent_likelihood": 3}, 400, "or neither"),
        ("POST", "/risks", {"title": "x", "inherent_likelihood": 1, "inherent_impact": 1,
                            "residual_likelihood": 5, "residual_impact": 5}, 400, "higher"),
        ("POST", "/risks", {"title": "   "}, 400, "title"),
        ("POST", "/risks", {"title": "nul\x00"}, 400, "NUL"),
        ("POST", "/risks", {"title": "x", "treatment": "ignore"}, 422, "treatment"),
        ("POST", "/assets", {"name": "x", "classification": "Top secret"}, 400, "classification"),
        ("POST", "/assets", {"name": "x", "confidentiality": 6}, 422, "confidentiality"),
        ("POST", "/assets", {"name": "x", "tags": ["t\x00"]}, 400, "NUL"),
        ("POST", "/threats", {"code": "T01", "name": "Again", "category": "x"}, 400, "already"),
        ("POST", "/threats", {"code": "t01", "name": "Again", "category": "x"}, 400, "already"),
        ("PATCH", f"/assets/{asset['id']}", {"depends_on": [asset["ref"]]}, 400, "itself"),
        ("PATCH", f"/assets/{asset['id']}", {"name": None}, 400, "name"),
        ("POST", "/methodology", {"method": {**default_method(), "levels": []}}, 400, "levels"),
        ("POST", "/methodology", {"method": default_method(), "note": "\x00"}, 400, "NUL"),
    ]  # fmt: skip
    for body in ("true", "[1, 2]", '"x"', "null", "{broken"):
        cases.append(("PATCH", f"/assets/{asset['id']}", body, (400, 422), ""))
        cases.append(("POST", "/risks", body, (400, 422), ""))
    for method, path, body, status, words in cases:
        response = owner.send(method, path, body)
        expected = status if isinstance(status, tuple) else (status,)
        assert response.status_code in expected, (path, body, response.content)
        assert words in json.dumps(response.json()["detail"]), (path, body, response.json())
    with org_context(org_a):
        after = (Risk.objects.count(), Asset.objects.count(), AuditEntry.objects.count())
        assert not Methodology.objects.filter(status="draft").exists()
    assert after == before
    assert ok(owner.get(f"/assets/{asset['id']}"))["name"] == "Mail"


def test_custom_library_entries(api):
    made = ok(api[Role.CONTRIBUTOR].post("/threats", {"code": "C1", "name": "Drone",
                                                      "category": "Physical",
                                                      "controls": ["A.7.4"]}), 201)  # fmt: skip
    assert made["is_custom"] and made["controls"] == ["A.7.4"]
    listed = ok(api[Role.VIEWER].get("/threats", category="Physical", q="drone"))
    assert [t["code"] for t in listed["items"]] == ["C1"]
    assert ok(api[Role.VIEWER].get("/vulnerabilities", limit=5))["count"] >= 60
    levels = ok(api[Role.VIEWER].get("/classification-levels"))["items"]
    assert [lv["name"] for lv in levels][:2] == ["Public", "Internal"]


def test_another_organisations_records_are_not_found(api, org_b, members_b):
    ids = _samples(org_b)
    owner = api[Role.OWNER]
    for method, path in (
        ("GET", "/assets/{asset}"), ("PATCH", "/assets/{asset}"), ("DELETE", "/assets/{asset}"),
        ("GET", "/risks/{risk}"), ("PATCH", "/risks/{risk}"), ("DELETE", "/risks/{risk}"),
        ("POST", "/risks/{risk}/accept"), ("GET", "/risks/{risk}/actions"),
        ("POST", "/risks/{risk}/actions"), ("PATCH", "/actions/{action}"),
        ("DELETE", "/actions/{action}"),
    ):  # fmt: skip
        response = owner.send(method, path.format(**ids), {"title": "x"})
        assert response.status_code == 404, (method, path, response.content)
    for path in ("/risks", "/assets", "/actions", "/me", "/treatment-plan"):
        text = owner.get(path).content.decode()
        assert not any(value in text for value in ids.values()), path
    assert ok(owner.get("/heatmap"))["total"] == 0
    with org_context(org_b):
        assert Risk.objects.filter(pk=ids["risk"], title="Sample risk").exists()
