"""The people API: round trips, permission gates per role, validation of input."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from openisms.core.context import org_context
from openisms.core.permissions import Role, can
from openisms.core.services.tokens import issue_token
from openisms.people.models import Person, TrainingAssignment

pytestmark = pytest.mark.django_db
R = "/api/v1/people"
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _today():
    """Today as the test runs, not as the module was imported (a suite may cross midnight)."""
    global TODAY
    TODAY = timezone.localdate()


def day(n: int) -> str:
    return str(TODAY + dt.timedelta(days=n))


class Api:
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


@pytest.fixture
def api(members_a, org_a) -> dict[str, Api]:
    return {role: Api(issue_token(user, org_a, "tests")[1]) for role, user in members_a.items()}


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.content
    return response.json() if response.content else {}


def test_people_and_competences_round_trip(api, members_a):
    m = api[Role.ISMS_MANAGER]
    boss = ok(m.post("/persons", {"full_name": "Bea Boss", "department": "IT"}), 201)
    val = ok(m.post("/persons", {
        "full_name": "Val Viewer", "email": "val@example.test", "department": "Sales",
        "job_title": "Assistant", "manager": boss["id"], "user": "a-viewer",
        "start_date": "2024-02-01",
    }), 201)  # fmt: skip
    assert (val["manager_name"], val["user"], val["overdue_training"]) == (
        "Bea Boss",
        "a-viewer",
        0,
    )
    listed = ok(m.get("/persons", department="Sales"))
    assert listed["count"] == 1 and listed["items"][0]["id"] == val["id"]
    assert ok(m.get("/persons", q="boss"))["count"] == 1
    changed = ok(
        m.patch(f"/persons/{val['id']}", {"job_title": "Account manager", "manager": None})
    )
    assert (changed["job_title"], changed["manager"]) == ("Account manager", None)

    comp = ok(m.post("/competences", {"name": "Incident handling"}), 201)
    assert comp["recorded_holders"] == 0
    held = ok(m.post(f"/persons/{val['id']}/competences", {
        "competence": comp["id"], "acquired_on": "2024-03-01", "expires_on": day(200),
        "evidence": "SANS course",
    }), 201)  # fmt: skip
    assert held["competence"] == "Incident handling"
    path = f"/persons/{val['id']}/competences/{comp['id']}"
    assert ok(m.patch(path, {"evidence": "GCIH certificate"}))["evidence"] == "GCIH certificate"
    assert ok(m.get(f"/persons/{val['id']}/competences"))["count"] == 1
    detail = ok(m.get(f"/persons/{val['id']}"))
    assert [h["name"] for h in detail["competences_held"]] == ["Incident handling"]
    assert detail["competences_held"][0]["source"] == "record"
    assert ok(m.get(f"/competences/{comp['id']}"))["recorded_holders"] == 1
    assert m.delete(f"/competences/{comp['id']}").status_code == 400  # still held
    assert m.delete(path).status_code == 204
    assert ok(m.patch(f"/competences/{comp['id']}", {"description": "Triage"}))["description"]
    assert m.delete(f"/competences/{comp['id']}").status_code == 204
    assert m.delete(f"/persons/{boss['id']}").status_code == 204
    assert ok(m.patch(f"/persons/{val['id']}", {"is_active": False}))["is_active"] is False
    assert ok(m.get("/persons"))["count"] == 0
    assert ok(m.get("/persons", active="all"))["count"] == 1


def test_training_round_trip(api, members_a):
    m = api[Role.ISMS_MANAGER]
    ids = [ok(m.post("/persons", {"full_name": n, "department": d}), 201)["id"]
           for n, d in (("Ann", "Ops"), ("Bob", "Ops"), ("Cid", "HR"))]  # fmt: skip
    comp = ok(m.post("/competences", {"name": "Phishing awareness"}), 201)
    course = ok(m.post("/courses", {
        "title": "Phishing recognition", "kind": "awareness", "effectiveness": "quiz",
        "pass_score": 75, "validity_months": 12, "competences": [comp["id"]],
    }), 201)  # fmt: skip
    assert course["competences"] == [comp["id"]]
    campaign = ok(m.post("/campaigns", {
        "name": "Ops phishing", "course": course["id"], "audience_departments": ["Ops"],
        "audience_people": [ids[2]], "due_on": day(14),
    }), 201)  # fmt: skip
    assert campaign["status"] == "draft" and campaign["progress"]["total"] == 0
    launched = ok(m.post(f"/campaigns/{campaign['id']}/launch"))
    assert launched["created"] == 3 and launched["campaign"]["status"] == "running"
    assert ok(m.post(f"/campaigns/{campaign['id']}/launch"))["created"] == 0
    rows = ok(m.get("/assignments", campaign=campaign["id"]))["items"]
    by_name = {a["person_name"]: a for a in rows}
    passed = ok(m.post(f"/assignments/{by_name['Ann']['id']}/completion", {"score": 75}))
    assert passed["status"] == "completed" and passed["score"] == 75
    failed = ok(m.post(f"/assignments/{by_name['Bob']['id']}/completion",
                       {"score": 74, "completed_on": day(-1)}))  # fmt: skip
    assert failed["status"] == "failed"
    assert ok(m.post(f"/assignments/{failed['id']}/reset", {"due_on": day(7)}))["status"] == (
        "assigned"
    )
    excused = ok(m.post(f"/assignments/{by_name['Cid']['id']}/excuse", {"note": "On leave"}))
    assert excused["status"] == "excused" and "On leave" in excused["notes"]
    progress = ok(m.get(f"/campaigns/{campaign['id']}"))["progress"]
    assert (progress["completed"], progress["excused"], progress["percent_completed"]) == (1, 1, 50)
    held = ok(m.get(f"/persons/{ids[0]}"))["competences_held"]
    assert held[0]["source"] == "course" and held[0]["until"]
    assert ok(m.get("/campaigns", status="running"))["count"] == 1
    assert ok(m.post(f"/campaigns/{campaign['id']}/close"))["status"] == "closed"
    assert m.patch(f"/campaigns/{campaign['id']}", {"name": "x"}).status_code == 400
    assert m.delete(f"/courses/{course['id']}").status_code == 400  # has history
    assert ok(m.patch(f"/courses/{course['id']}", {"is_active": False}))["is_active"] is False

    manual = ok(m.post("/courses", {"title": "Secure dev", "effectiveness": "manager"}), 201)
    one = ok(m.post("/assignments", {"person": ids[1], "course": manual["id"]}), 201)
    assert one["campaign"] is None
    done = ok(m.post(f"/assignments/{one['id']}/completion", {}))
    assert done["status"] == "completed" and done["completed_on"] == str(TODAY)
    confirmed = ok(api[Role.CONTRIBUTOR].post(f"/assignments/{one['id']}/confirm", {}))
    assert confirmed["confirmed_by"] == "a-contributor"
    another = ok(m.post("/assignments", {"person": ids[0], "course": manual["id"]}), 201)
    assert m.delete(f"/assignments/{another['id']}").status_code == 204
    assert m.delete(f"/assignments/{one['id']}").status_code == 400  # a result is evidence
    draft = ok(m.post("/campaigns", {"name": "Draft", "course": manual["id"],
                                     "audience_all": True, "due_on": day(3)}), 201)  # fmt: skip
    patched = ok(m.patch(f"/campaigns/{draft['id']}", {"audience_departments": None,
                                                       "due_on": day(9)}))  # fmt: skip
    assert patched["due_on"] == day(9)
    assert m.delete(f"/campaigns/{draft['id']}").status_code == 204


def test_overdue_and_my_training(api, members_a, org_a):
    m = api[Role.ISMS_MANAGER]
    val = ok(m.post("/persons", {"full_name": "Val", "department": "Sales", "user": "a-viewer"}),
             201)  # fmt: skip
    other = ok(m.post("/persons", {"full_name": "Oli", "department": "IT"}), 201)
    course = ok(m.post("/courses", {"title": "Awareness"}), 201)
    for pid in (val["id"], other["id"]):
        ok(m.post("/assignments", {"person": pid, "course": course["id"], "due_on": day(1)}), 201)
    with org_context(org_a):
        TrainingAssignment.objects.update(due_on=TODAY - dt.timedelta(days=2))
    late = ok(m.get("/overdue"))
    assert late["count"] == 2 and all(a["overdue"] for a in late["items"])
    assert ok(m.get("/overdue", department="IT"))["count"] == 1
    assert ok(m.get("/overdue", course=course["id"], q="val"))["count"] == 1
    assert ok(m.get("/assignments", overdue="true", status="assigned"))["count"] == 2
    mine = ok(api[Role.VIEWER].get("/my-training"))
    assert [a["person_name"] for a in mine] == ["Val"]
    assert ok(api[Role.AUDITOR].get("/my-training")) == []
    assert ok(m.get("/persons", department="Sales"))["items"][0]["overdue_training"] == 1


def test_communication_plan_round_trip(api):
    m = api[Role.OWNER]
    who = ok(m.post("/persons", {"full_name": "Olivia"}), 201)
    item = ok(m.post("/communication", {
        "topic": "ISMS status", "audience": "Board", "timing": "Quarterly",
        "channel": "Board meeting", "responsible": who["id"], "next_due": day(-3),
    }), 201)  # fmt: skip
    assert item["responsible_name"] == "Olivia"
    done = ok(m.post(f"/communication/{item['id']}/done", {"next_due": day(90)}))
    assert (done["last_done"], done["next_due"]) == (str(TODAY), day(90))
    assert ok(m.patch(f"/communication/{item['id']}", {"notes": "Slides on SharePoint"}))["notes"]
    assert ok(m.get("/communication"))["count"] == 1
    assert m.post(f"/communication/{item['id']}/done", {"done_on": day(3)}).status_code == 400
    assert m.delete(f"/communication/{item['id']}").status_code == 204


def test_permissions_follow_the_map(api, members_a, org_a):
    owner = api[Role.OWNER]
    person = ok(owner.post("/persons", {"full_name": "Target"}), 201)
    course = ok(owner.post("/courses", {"title": "Awareness"}), 201)
    manual = ok(owner.post("/courses", {"title": "Manual", "effectiveness": "manager"}), 201)
    a = ok(owner.post("/assignments", {"person": person["id"], "course": course["id"]}), 201)
    b = ok(owner.post("/assignments", {"person": person["id"], "course": manual["id"]}), 201)
    ok(owner.post(f"/assignments/{b['id']}/completion", {}))
    for role, caller in api.items():
        for path in ("/persons", "/competences", "/courses", "/campaigns", "/assignments",
                     "/overdue", "/communication", "/my-training"):  # fmt: skip
            assert caller.get(path).status_code == 200, (role, path)
        write = caller.post("/persons", {"full_name": f"New {role}"})
        assert write.status_code == (201 if can(role, "people.change") else 403), role
        record = caller.post(f"/assignments/{a['id']}/excuse", {"note": "x"})
        assert record.status_code in ((200, 400) if can(role, "training.record") else (403,))
        confirm = caller.post(f"/assignments/{b['id']}/confirm", {})
        assert confirm.status_code in ((200, 400) if can(role, "training.confirm") else (403,))
    with org_context(org_a):
        assert Person.objects.filter(full_name__startswith="New ").count() == 2


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/persons", {"full_name": "x", "is_active": "maybe"}),
        ("/persons", {"full_name": "x" * 201}),
        ("/persons", {"full_name": "x", "manager": "not-a-uuid"}),
        ("/persons", True),
        ("/persons", [1, 2]),
        ("/courses", {"title": "x", "pass_score": 101}),
        ("/courses", {"title": "x", "pass_score": "80"}),
        ("/courses", {"title": "x", "pass_score": True}),
        ("/courses", {"title": "x", "effectiveness": "vibes"}),
        ("/campaigns", {"name": "x", "course": "00000000-0000-0000-0000-000000000001"}),
        ("/communication", {"topic": "x"}),
    ],
)
def test_bad_bodies_are_422(api, path, body):
    response = api[Role.OWNER].post(path, body)
    assert response.status_code == 422, response.content


def test_business_rules_are_400_with_a_field(api, members_a):
    m = api[Role.OWNER]
    first = ok(m.post("/persons", {"full_name": "First", "user": "a-viewer"}), 201)
    clash = m.post("/persons", {"full_name": "Second", "user": "a-viewer"})
    assert clash.status_code == 400 and "user" in clash.json()["detail"]
    stranger = m.post("/persons", {"full_name": "S", "user": "nobody-here"})
    assert stranger.status_code == 400 and "not a member" in stranger.json()["detail"]["user"][0]
    unknown = m.post(
        "/persons", {"full_name": "S", "manager": "00000000-0000-0000-0000-00000000000a"}
    )
    assert unknown.status_code == 400 and "manager" in unknown.json()["detail"]
    holding = m.post(f"/persons/{first['id']}/competences",
                     {"competence": "00000000-0000-0000-0000-00000000000b"})  # fmt: skip
    assert holding.status_code == 400 and "competence" in holding.json()["detail"]
    course = ok(m.post("/courses", {"title": "Quiz"}), 201)
    a = ok(m.post("/assignments", {"person": first["id"], "course": course["id"]}), 201)
    no_score = m.post(f"/assignments/{a['id']}/completion", {})
    assert no_score.status_code == 400 and "score" in no_score.json()["detail"]
    future = m.post(f"/assignments/{a['id']}/completion", {"score": 90, "completed_on": day(2)})
    assert future.status_code == 400 and "completed_on" in future.json()["detail"]
    late = m.post("/campaigns", {"name": "x", "course": course["id"], "starts_on": day(5),
                                 "due_on": day(1)})  # fmt: skip
    assert late.status_code == 400 and "due_on" in late.json()["detail"]
    assert m.get("/persons/00000000-0000-0000-0000-000000000001").status_code == 404
    assert m.get("/persons", active="bad").status_code == 422
    assert m.post("/persons", {"full_name": "x\u0000"}).status_code == 400  # NUL: middleware
