"""The record kit (core.records): generic pages, htmx in place, API with ETag / If-Match."""

from __future__ import annotations

import pytest
from django.test import Client

from openisms.context.models import ContextIssue
from openisms.context.services import issues
from openisms.core.context import org_context
from openisms.core.permissions import Role
from openisms.core.records import REGISTRY
from openisms.core.services.tokens import issue_token
from openisms.leadership.models import Commitment
from openisms.leadership.services import commitments
from tests.conftest import login

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture
def issue(org_a, system_actor):
    with org_context(org_a):
        return issues.create_issue({"title": "Supplier outage", "kind": "external",
                                    "category": "economic"})  # fmt: skip


def test_the_moved_types_are_declared_on_the_kit():
    assert {"context.contextissue", "context.interestedparty", "leadership.commitment",
            "people.communicationitem"} <= set(REGISTRY)  # fmt: skip


def test_list_rows_update_in_place_with_htmx(members_a, issue):
    client = login(members_a[Role.VIEWER])
    rows = client.get("/o/alpha/context/issues/?q=supplier", headers=HTMX).content.decode()
    assert "Supplier outage" in rows and "<html" not in rows
    none = client.get("/o/alpha/context/issues/?q=zzz", headers=HTMX).content.decode()
    assert "Supplier" not in none


def test_edit_in_place_shows_errors_next_to_fields_and_the_saved_message(org_a, members_a, issue):
    client = login(members_a[Role.ISMS_MANAGER])
    url = f"/o/alpha/context/issues/{issue.pk}/edit/"
    base = {"title": "Supplier outage", "kind": "external", "category": "economic"}
    bad = client.post(url, {**base, "title": ""}, headers=HTMX)
    assert bad.status_code == 200
    body = bad.content.decode()
    assert "<html" not in body and 'id="record-form"' in body and "required" in body
    good = client.post(url, {**base, "effect": "Orders stop", "is_active": "on"}, headers=HTMX)
    body = good.content.decode()
    assert good.status_code == 200 and "CI-0001 Supplier outage saved." in body
    assert 'role="status"' in body and "Orders stop" in body  # the form as saved
    with org_context(org_a):
        assert ContextIssue.objects.get(pk=issue.pk).effect == "Orders stop"
    new = "/o/alpha/context/issues/new/"
    made = client.post(new, {**base, "title": "New law"}, headers=HTMX)
    assert made.status_code == 200 and made["HX-Redirect"].startswith("/o/alpha/context/issues/")


def _api(user, org) -> Client:
    _, raw = issue_token(user, org, "kit tests")
    return Client(headers={"Authorization": f"Bearer {raw}"})


@pytest.mark.parametrize("auth", ["token", "session"])
def test_etag_and_if_match(org_a, members_a, issue, auth):
    manager = members_a[Role.ISMS_MANAGER]
    client = _api(manager, org_a) if auth == "token" else login(manager)
    headers = {} if auth == "token" else {"X-Organisation": "alpha"}
    url = f"/api/v1/context/issues/{issue.pk}"
    first = client.get(url, headers=headers)
    tag = first["ETag"]
    assert tag.startswith('"') and client.get(url, headers=headers)["ETag"] == tag  # stable
    changed = client.patch(url, {"effect": "Orders stop"}, content_type="application/json",
                           headers={**headers, "If-Match": tag})  # fmt: skip
    assert changed.status_code == 200 and changed["ETag"] != tag
    stale = client.patch(url, {"effect": "Lost"}, content_type="application/json",
                         headers={**headers, "If-Match": tag})  # fmt: skip
    assert stale.status_code == 412 and "changed since you read it" in stale.json()["detail"]
    assert client.get(url, headers=headers).json()["effect"] == "Orders stop"
    free = client.patch(url, {"effect": "Lost"}, content_type="application/json", headers=headers)
    assert free.status_code == 200  # no If-Match: last write wins, as before
    body = {"title": "X", "kind": "internal", "category": "other"}
    made = client.post(
        "/api/v1/context/issues", body, content_type="application/json", headers=headers
    )
    assert made.status_code == 201 and made["ETag"]
    assert client.delete(url, headers=headers).status_code == 204
    with org_context(org_a):
        assert ContextIssue.with_deleted.get(pk=issue.pk).deleted_at is not None


@pytest.mark.urls("tests.kit_urls")
def test_generic_pages_of_a_declared_type(org_a, members_a, system_actor):
    with org_context(org_a):
        item = commitments.create_commitment({"title": "Budget 2027", "decided_by": "CEO"})
    manager = login(members_a[Role.ISMS_MANAGER])
    page = manager.get("/o/alpha/kit/decisions/").content.decode()
    assert "<h1>Decisions</h1>" in page and "Budget 2027" in page and "Add decision" in page
    assert (
        "Add decision"
        not in login(members_a[Role.VIEWER]).get("/o/alpha/kit/decisions/").content.decode()
    )
    rows = manager.get("/o/alpha/kit/decisions/?q=zzz", headers=HTMX).content.decode()
    assert "Budget" not in rows and "<html" not in rows
    detail = manager.get(f"/o/alpha/kit/decisions/{item.pk}/").content.decode()
    assert "CEO" in detail and f"/o/alpha/kit/decisions/{item.pk}/delete/" in detail
    form = manager.get(f"/o/alpha/kit/decisions/{item.pk}/edit/").content.decode()
    assert 'hx-post="/o/alpha/kit/decisions/' in form
    data = {"date": "2026-03-01", "kind": "decision", "title": "Budget 2028", "decided_by": "CEO"}
    saved = manager.post(f"/o/alpha/kit/decisions/{item.pk}/edit/", data, headers=HTMX)
    assert "Budget 2028 saved." in saved.content.decode()
    confirm = manager.get(f"/o/alpha/kit/decisions/{item.pk}/delete/").content.decode()
    assert "Delete decision “" in confirm
    assert manager.post(f"/o/alpha/kit/decisions/{item.pk}/delete/").status_code == 302
    with org_context(org_a):
        assert not Commitment.objects.filter(pk=item.pk).exists()
    assert (
        login(members_a[Role.VIEWER]).get(f"/o/alpha/kit/decisions/{item.pk}/edit/").status_code
        == 403
    )
