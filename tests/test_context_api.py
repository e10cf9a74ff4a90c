"""The context API: CRUD round trips, the permission map, validation errors, the scope's
draft → approval flow, and constant queries for long lists."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from openisms.context.models import ContextIssue, Obligation
from openisms.core.context import org_context
from openisms.core.models.sequence import next_ref
from openisms.core.permissions import Role, can
from openisms.core.services.tokens import issue_token
from openisms.risk.services.risks import create_risk

pytestmark = pytest.mark.django_db
C = "/api/v1/context"


class Api:
    def __init__(self, raw: str) -> None:
        self.client = Client(headers={"Authorization": f"Bearer {raw}"})

    def get(self, path: str, **params):
        return self.client.get(C + path, params)

    def send(self, method: str, path: str, body=None):
        data = body if isinstance(body, str) else json.dumps(body if body is not None else {})
        return self.client.generic(method, C + path, data, content_type="application/json")

    def post(self, path: str, body=None):
        return self.send("POST", path, body)

    def patch(self, path: str, body=None):
        return self.send("PATCH", path, body)

    def delete(self, path: str):
        return self.client.delete(C + path)


@pytest.fixture
def api(members_a, org_a) -> dict[str, Api]:
    return {role: Api(issue_token(u, org_a, "tests")[1]) for role, u in members_a.items()}


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.content
    return response.json() if response.content else {}


def test_issue_round_trip(api, org_a):
    with org_context(org_a):
        risk = create_risk({"title": "Ransomware"})
    manager = api[Role.ISMS_MANAGER]
    made = ok(manager.post("/issues", {
        "title": " Ransomware wave ", "kind": "external", "category": "technological",
        "effect": "Outage", "risks": [risk.ref],
    }), 201)  # fmt: skip
    assert made["ref"] == "CI-0001" and made["title"] == "Ransomware wave"
    assert made["risks"] == [risk.ref] and made["is_active"]
    changed = ok(manager.patch(f"/issues/{made['id']}", {"effect": None, "is_active": False,
                                                       "kind": None}))  # fmt: skip
    assert changed["effect"] == "" and not changed["is_active"] and changed["kind"] == "external"
    listed = ok(api[Role.VIEWER].get("/issues", kind="external", active="no"))
    assert listed["count"] == 1 and listed["items"][0]["id"] == made["id"]
    assert ok(api[Role.VIEWER].get("/issues", q="nothing"))["count"] == 0
    assert ok(api[Role.AUDITOR].get(f"/issues/{made['id']}"))["risks"] == [risk.ref]
    ok(manager.delete(f"/issues/{made['id']}"), 204)
    assert manager.get(f"/issues/{made['id']}").status_code == 404


def test_parties_and_requirements_round_trip(api):
    manager = api[Role.ISMS_MANAGER]
    dpa = ok(manager.post("/parties", {"name": "DPA", "kind": "regulator",
                                       "expectations": "72 hours"}), 201)  # fmt: skip
    req = ok(manager.post("/requirements", {
        "title": "Breach notification", "source": "law", "reference": "GDPR Art. 33",
        "owner": "a-contributor", "parties": [dpa["id"]], "controls": ["A.5.24", "A.6.8"],
        "how_addressed": "Incident procedure",
    }), 201)  # fmt: skip
    assert req["ref"] == "REQ-0001" and req["owner"] == "a-contributor"
    assert req["party_names"] == ["DPA"] and req["controls"] == ["A.5.24", "A.6.8"]
    party = ok(api[Role.VIEWER].get(f"/parties/{dpa['id']}"))
    assert party["requirements"] == [{
        "id": req["id"], "ref": "REQ-0001", "title": "Breach notification",
        "how_addressed": "Incident procedure", "is_active": True,
    }]  # fmt: skip
    changed = ok(manager.patch(f"/requirements/{req['id']}", {"owner": None, "controls": None}))
    assert changed["owner"] is None and changed["controls"] == []
    assert changed["parties"] == [dpa["id"]]  # untouched
    assert ok(manager.get("/requirements", source="law", party=dpa["id"]))["count"] == 1
    assert ok(manager.get("/requirements", source="contract"))["count"] == 0
    assert ok(manager.get("/requirements", party="garbage"))["count"] == 0
    assert ok(manager.patch(f"/parties/{dpa['id']}", {"is_internal": True}))["is_internal"]
    ok(manager.delete(f"/parties/{dpa['id']}"), 204)
    assert ok(manager.get(f"/requirements/{req['id']}"))["parties"] == []
    ok(manager.delete(f"/requirements/{req['id']}"), 204)


@pytest.mark.parametrize(
    ("path", "body", "status", "field"),
    [
        ("/issues", {"title": "x", "kind": "sideways", "category": "other"}, 400, "kind"),
        ("/issues", {"title": "x", "category": "other"}, 400, "kind"),
        ("/issues", {"title": "x", "kind": "internal"}, 400, "category"),
        (
            "/issues",
            {"title": "x", "kind": "internal", "category": "other", "risks": ["R-0404"]},
            400,
            "risks",
        ),  # fmt: skip
        ("/issues", {"kind": "internal", "category": "other"}, 422, None),
        (
            "/issues",
            {"title": "x", "kind": "internal", "category": "other", "is_active": "maybe"},
            422,
            None,
        ),  # fmt: skip
        ("/issues", [1, 2], 422, None),
        ("/issues", "true", 422, None),
        ("/parties", {"name": "x"}, 400, "kind"),
        ("/parties", {"name": "x" * 201, "kind": "other"}, 422, None),
        ("/requirements", {"title": "x"}, 400, "source"),
        ("/requirements", {"title": "x", "source": "law", "owner": "b-owner"}, 400, "owner"),
        ("/requirements", {"title": "x", "source": "law", "controls": ["A.5.99"]}, 400, "controls"),
        ("/requirements", {"title": "x", "source": "law", "parties": ["nope"]}, 422, None),
        (
            "/requirements",
            {"title": "x", "source": "law", "parties": ["00000000-0000-0000-0000-000000000001"]},
            400,
            "parties",
        ),
        ("/requirements", {"title": "x\u0000", "source": "law"}, 400, None),  # middleware
    ],
)
def test_validation_errors(api, members_b, path, body, status, field):
    response = api[Role.ISMS_MANAGER].post(path, body)
    assert response.status_code == status, response.content
    if field:
        assert field in response.json()["detail"], response.json()


def test_writes_follow_the_permission_map(api, org_a):
    with org_context(org_a):
        from openisms.context.services import issues

        issue = issues.create_issue({"title": "x", "kind": "internal", "category": "other"})
    for role, caller in api.items():
        allowed = can(role, "context.change")
        assert caller.get("/issues").status_code == 200
        created = caller.post("/parties", {"name": f"P {role}", "kind": "other"})
        assert created.status_code == (201 if allowed else 403), role
        patched = caller.patch(f"/issues/{issue.pk}", {"title": f"by {role}"})
        assert patched.status_code == (200 if allowed else 403), role
        started = caller.post("/scope", {})
        expected = 201 if can(role, "scope.change") else 403
        if role == Role.ISMS_MANAGER:
            expected = 400  # the owner started the draft already: one at a time
        assert started.status_code == expected, (role, started.content)
    assert api[Role.VIEWER].delete(f"/issues/{issue.pk}").status_code == 403


def test_scope_flow_through_the_api(api):
    manager, approver = api[Role.ISMS_MANAGER], api[Role.APPROVER]
    assert manager.get("/scope/current").status_code == 404
    draft = ok(manager.post("/scope", {"change_summary": "First"}), 201)
    assert draft["number"] == 1 and draft["status"] == "draft"
    assert draft["created_by"] == "a-isms_manager" and draft["approval"]["state"] == "none"
    bad = manager.patch(f"/scope/{draft['id']}", {
        "exclusions": [{"item": "Canteen", "justification": ""}],
    })  # fmt: skip
    assert bad.status_code == 400 and "exclusions" in bad.json()["detail"]
    missing = manager.patch(f"/scope/{draft['id']}", {"exclusions": [{"item": "Canteen"}]})
    assert missing.status_code == 422
    body = {
        "statement": "Alpha's ISMS covers sensor design and manufacture.",
        "processes": ["Design", "Production"], "locations": ["HQ"], "units": ["Engineering"],
        "technology": ["ERP"], "interfaces": ["Managed IT"],
        "exclusions": [{"item": "Canteen", "justification": "Landlord's"}],
        "justification": "All customer data.",
    }  # fmt: skip
    edited = ok(manager.patch(f"/scope/{draft['id']}", body))
    assert edited["exclusions"] == body["exclusions"] and edited["units"] == ["Engineering"]

    assert manager.post(f"/scope/{draft['id']}/approve", {}).status_code == 403
    assert approver.post(f"/scope/{draft['id']}/reject", {}).status_code == 422
    rejected = ok(approver.post(f"/scope/{draft['id']}/reject", {"comment": "Add the factory"}))
    assert rejected["approval"]["state"] == "rejected" and rejected["status"] == "draft"
    ok(manager.patch(f"/scope/{draft['id']}", {"locations": ["HQ", "Factory"]}))
    approved = ok(approver.post(f"/scope/{draft['id']}/approve", {"comment": "Agreed"}))
    assert approved["status"] == "approved" and approved["approved_at"]
    assert approved["approval"]["latest"]["approver"] == "a-approver"
    assert approved["approval"]["latest"]["version_label"] == "v1"
    assert ok(api[Role.VIEWER].get("/scope/current"))["id"] == draft["id"]

    frozen = manager.patch(f"/scope/{draft['id']}", {"statement": "Sneaky"})
    assert frozen.status_code == 400 and "can no longer change" in str(frozen.json())
    assert manager.delete(f"/scope/{draft['id']}").status_code == 400

    # The owner drafts v2 and may not approve it; the approver can.
    owner = api[Role.OWNER]
    v2 = ok(owner.post("/scope", {"change_summary": "Add the warehouse"}), 201)
    assert v2["number"] == 2 and v2["locations"] == ["HQ", "Factory"]
    refused = owner.post(f"/scope/{v2['id']}/approve", {})
    assert refused.status_code == 400 and "segregation of duties" in str(refused.json())
    ok(approver.post(f"/scope/{v2['id']}/approve", {}))
    versions = ok(api[Role.AUDITOR].get("/scope"))
    assert [(v["number"], v["status"]) for v in versions["items"]] == [
        (2, "approved"), (1, "superseded"),
    ]  # fmt: skip


def count(caller: Api, path: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert caller.get(path, limit=200).status_code == 200, path
    return len(ctx)


def test_api_lists_use_constant_queries(api, org_a, members_a, django_assert_max_num_queries):
    from tests.test_context_pages import bulk_records

    viewer = api[Role.VIEWER]
    paths = ("/issues", "/parties", "/requirements", "/scope")
    bulk_records(org_a, members_a, 10)
    small = {p: count(viewer, p) for p in paths}
    bulk_records(org_a, members_a, 290)
    for path in paths:
        with django_assert_max_num_queries(small[path]):
            body = viewer.get(path, limit=200).json()
        assert body["count"] >= 10
    with org_context(org_a):
        assert ContextIssue.objects.count() == 300 and Obligation.objects.count() == 300
    assert max(small.values()) <= 12, small


def test_refs_stay_unique_when_allocated_in_turn(api, org_a):
    refs = [ok(api[Role.OWNER].post("/issues", {"title": f"I{n}", "kind": "internal",
                                                 "category": "other"}), 201)["ref"]
            for n in range(5)]  # fmt: skip
    assert len(set(refs)) == 5
    with org_context(org_a):
        assert next_ref(org_a, "CI") == "CI-0006"
