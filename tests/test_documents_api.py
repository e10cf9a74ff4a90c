"""The document control API: the same workflow and permissions as the pages."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from openisms.core.context import acting_as, org_context
from openisms.core.permissions import Role, can
from openisms.core.services.tokens import issue_token
from openisms.documents import policy_templates
from tests.conftest import person_of
from tests.test_documents_pages import bulk_documents
from tests.test_documents_workflow import OW, A, C, M, V, make_document, person

pytestmark = pytest.mark.django_db
BASE = "/api/v1/documents"


def client_for(user, org) -> Client:
    _, raw = issue_token(user, org, "test")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def patch(client, url, data):
    return client.patch(url, data, content_type="application/json")


@pytest.fixture
def api(org_a, members_a):
    return {role: client_for(user, org_a) for role, user in members_a.items()}


def test_full_workflow_through_the_api(org_a, members_a, api):
    with org_context(org_a):
        staff = [person(members_a[V]), person(members_a[C])]
    created = post(api[M], BASE + "/", {
        "title": "Remote working policy", "kind": "topic_policy", "reviewer": "a-contributor",
        "review_months": 6, "controls": ["A.6.7"], "distribution": [str(p.pk) for p in staff],
        "content": "# Remote working\n\nUse the VPN.\n", "change_summary": "First draft",
    })  # fmt: skip
    assert created.status_code == 201, created.content
    doc = created.json()
    assert (
        doc["ref"] == "DOC-0001" and doc["status"] == "draft" and doc["owner"] == "a-isms_manager"
    )
    assert doc["controls"] == ["A.6.7"] and len(doc["distribution"]) == 2
    v1 = doc["versions"][0]
    assert (v1["number"], v1["status"], v1["author"]) == (1, "draft", "a-isms_manager")

    changed = patch(
        api[C],
        f"{BASE}/versions/{v1['id']}",
        {"content": "# Remote working\n\nAlways use the VPN.\n"},
    )
    assert changed.status_code == 200 and "Always" in changed.json()["content"]
    assert [d["kind"] for d in changed.json()["diff"]] == ["add", "add", "add"]

    assert post(api[V], f"{BASE}/versions/{v1['id']}/submit").status_code == 403
    assert post(api[M], f"{BASE}/versions/{v1['id']}/submit").json()["status"] == "in_review"
    assert patch(api[M], f"{BASE}/versions/{v1['id']}", {"content": "x"}).status_code == 400
    assert post(api[M], f"{BASE}/versions/{v1['id']}/approve").status_code == 403
    own = post(api[OW], f"{BASE}/versions/{v1['id']}/approve")
    assert own.status_code == 200  # the owner role did not write this version
    assert own.json()["approval"]["state"] == "approved"
    assert own.json()["approval"]["latest"]["approver"] == "a-owner"

    published = post(api[M], f"{BASE}/versions/{v1['id']}/publish",
                     {"audience": "distribution"})  # fmt: skip
    assert published.status_code == 200 and published.json()["asked"] == 2
    assert published.json()["version"]["status"] == "published"

    mine = api[V].get(f"{BASE}/acknowledgements/mine").json()
    assert mine["count"] == 1 and mine["items"][0]["document"] == "DOC-0001"
    ack_id = mine["items"][0]["id"]
    done = post(api[V], f"{BASE}/acknowledgements/{ack_id}/acknowledge")
    assert done.status_code == 200 and done.json()["acknowledged_by"] == "a-viewer"
    listed = api[AU_ROLE].get(f"{BASE}/versions/{v1['id']}/acknowledgements?outstanding=true")
    assert listed.json()["count"] == 1 and listed.json()["items"][0]["person"] == "a-contributor"

    v2 = post(api[C], f"{BASE}/{doc['id']}/versions", {"change_summary": "Home printers"})
    assert v2.status_code == 201 and v2.json()["number"] == 2
    assert v2.json()["previous_version_id"] == v1["id"] and v2.json()["diff"] == []
    again = post(api[C], f"{BASE}/{doc['id']}/versions")
    assert again.status_code == 400 and "still draft" in again.json()["detail"]

    detail = api[V].get(f"{BASE}/{doc['id']}").json()
    assert detail["status"] == "draft" and detail["published_version"] == 1
    assert [v["number"] for v in detail["versions"]] == [2, 1]

    reviewed = post(api[C], f"{BASE}/{doc['id']}/reviewed", {"note": "Fine"})
    assert reviewed.status_code == 200  # the contributor is the reviewer
    assert post(api[C], f"{BASE}/{doc['id']}/retire").status_code == 403
    retired = post(api[M], f"{BASE}/{doc['id']}/retire")
    assert retired.json()["status"] == "retired"


AU_ROLE = Role.AUDITOR


def test_self_approval_and_designated_approver_through_the_api(org_a, members_a, api):
    created = post(api[OW], BASE + "/", {"title": "Supplier policy", "content": "Text",
                                         "approver": "a-approver"})  # fmt: skip
    version = created.json()["versions"][0]["id"]
    post(api[OW], f"{BASE}/versions/{version}/submit")
    own = post(api[OW], f"{BASE}/versions/{version}/approve")
    assert own.status_code == 400 and "names a-approver as its approver" in own.json()["detail"]
    reject = post(api[A], f"{BASE}/versions/{version}/reject", {"comment": ""})
    assert reject.status_code == 400 and "Say why" in reject.json()["detail"]
    reject = post(api[A], f"{BASE}/versions/{version}/reject", {"comment": "Too vague"})
    assert reject.json()["status"] == "draft"
    assert reject.json()["approval"]["state"] == "rejected"
    # With no designated approver, the author (owner role) is still refused.
    patch(api[OW], f"{BASE}/{created.json()['id']}", {"approver": None})
    post(api[OW], f"{BASE}/versions/{version}/submit")
    own = post(api[OW], f"{BASE}/versions/{version}/approve")
    assert own.status_code == 400 and "segregation of duties" in own.json()["detail"]


def test_create_from_a_template(org_a, members_a, api):
    template = policy_templates.all_templates()[0]
    listed = api[V].get(f"{BASE}/templates").json()
    assert template.key in [t["key"] for t in listed]
    created = post(api[C], BASE + "/", {"template": template.key, "owner": "a-isms_manager"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["title"] == template.title and body["template_key"] == template.key
    assert body["owner"] == "a-isms_manager" and body["versions"][0]["author"] == "a-contributor"
    assert body["controls"] == sorted(template.controls, key=body["controls"].index)
    unknown = post(api[C], BASE + "/", {"template": "nope"})
    assert unknown.status_code == 400 and "Unknown policy template" in str(unknown.json())
    blank = post(api[C], BASE + "/", {"content": "No title"})
    assert blank.status_code == 400 and "title" in blank.json()["detail"]


def test_permissions_follow_the_map(org_a, members_a, api):
    for role in Role:
        response = post(api[role], BASE + "/", {"title": f"By {role}"})
        assert response.status_code == (201 if can(role, "documents.create") else 403), role
        assert api[role].get(BASE + "/").status_code == 200


def test_patch_metadata(org_a, members_a, api):
    doc = post(api[M], BASE + "/", {"title": "Logging policy", "content": "x"}).json()
    changed = patch(api[C], f"{BASE}/{doc['id']}", {
        "owner": "a-contributor", "review_months": 24, "classification": "Internal",
        "controls": ["A.8.15", "A.8.16"],
    })  # fmt: skip
    assert changed.status_code == 200, changed.content
    body = changed.json()
    assert (body["owner"], body["review_months"], body["classification"]) == (
        "a-contributor",
        24,
        "Internal",
    )
    assert body["controls"] == ["A.8.15", "A.8.16"]
    assert patch(api[V], f"{BASE}/{doc['id']}", {"review_months": 3}).status_code == 403
    bad = patch(api[M], f"{BASE}/{doc['id']}", {"kind": "poem"})
    assert bad.status_code == 400 and "kind" in bad.json()["detail"]
    assert patch(api[M], f"{BASE}/{doc['id']}", {"owner": "b-owner"}).status_code == 400
    assert patch(api[M], f"{BASE}/{doc['id']}", {"review_months": True}).status_code == 422
    assert patch(api[M], f"{BASE}/{doc['id']}", [1, 2]).status_code == 422


def test_list_filters_and_pagination(org_a, members_a, api):
    with org_context(org_a):
        for i in range(3):
            make_document(members_a, title=f"Procedure {i}", kind="procedure")
        make_document(members_a, title="A plan", kind="plan", owner=person_of(members_a[C]))
    listed = api[V].get(BASE + "/?limit=2").json()
    assert listed["count"] == 4 and len(listed["items"]) == 2
    assert api[V].get(BASE + "/?kind=plan").json()["count"] == 1
    assert api[V].get(BASE + "/?owner=a-contributor").json()["count"] == 1
    assert api[V].get(BASE + "/?q=procedure").json()["count"] == 3
    assert api[V].get(BASE + "/?overdue=true").json()["count"] == 0
    assert api[V].get(BASE + "/?status=published").json()["count"] == 0


def test_request_acknowledgements_from_named_people(org_a, members_a, api):
    with org_context(org_a):
        p = person(members_a[V])
    doc = post(api[M], BASE + "/", {"title": "Classification policy", "content": "x"}).json()
    version = doc["versions"][0]["id"]
    post(api[M], f"{BASE}/versions/{version}/submit")
    post(api[A], f"{BASE}/versions/{version}/approve")
    post(api[M], f"{BASE}/versions/{version}/publish")
    url = f"{BASE}/versions/{version}/acknowledgements"
    assert post(api[C], url, {"persons": [str(p.pk)]}).status_code == 403
    assert post(api[M], url, {}).status_code == 400
    assert post(api[M], url, {"audience": "friends"}).status_code == 400
    asked = post(api[M], url, {"persons": [str(p.pk)], "due_on": "2999-01-01"})
    assert asked.json() == {"asked": 1, "total": 1, "acknowledged": 0}
    ack = api[M].get(url).json()["items"][0]
    # Someone else's request: not found for staff, recorded on their behalf by a manager.
    assert post(api[C], f"{BASE}/acknowledgements/{ack['id']}/acknowledge").status_code == 404
    assert post(api[AU_ROLE], f"{BASE}/acknowledgements/{ack['id']}/acknowledge").status_code == 403
    recorded = post(api[M], f"{BASE}/acknowledgements/{ack['id']}/acknowledge")
    assert recorded.json()["acknowledged_by"] == "a-isms_manager"


def test_api_list_queries_stay_flat(org_a, members_a, api):
    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert api[V].get(url).status_code == 200
        return len(ctx)

    urls = [BASE + "/?limit=200", BASE + "/?overdue=true&limit=200",
            f"{BASE}/acknowledgements/mine?limit=200"]  # fmt: skip
    with org_context(org_a), acting_as(members_a[M]):
        bulk_documents(org_a, members_a[M], 20)
    api[V].get(BASE + "/")  # the token's first use is recorded once
    few = {u: count(u) for u in urls}
    with org_context(org_a), acting_as(members_a[M]):
        bulk_documents(org_a, members_a[M], 4980, start=20)
    assert {u: count(u) for u in urls} == few
