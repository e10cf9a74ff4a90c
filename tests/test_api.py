"""REST API: token and session auth, errors as JSON, pagination, OpenAPI."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.test import Client
from django.utils import timezone

from openisms.core.models import ApiToken
from openisms.core.permissions import Role
from openisms.core.services.tokens import issue_token, revoke_token
from tests.conftest import login

pytestmark = pytest.mark.django_db


def bearer(raw: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {raw}"})


def test_openapi_and_docs_are_served(members_a):
    schema = Client().get("/api/v1/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in ("/api/v1/audit-trail", "/api/v1/frameworks/{slug}/requirements", "/api/v1/me"):
        assert path in paths
    docs = login(members_a[Role.VIEWER]).get("/api/v1/docs")
    assert docs.status_code == 200
    body = docs.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in body and "cdn" not in body.lower()
    assert Client().get("/static/ninja/swagger-ui-bundle.js").status_code == 200


def test_anonymous_gets_401_json():
    response = Client().get("/api/v1/audit-trail")
    assert response.status_code == 401
    assert "Authentication required" in response.json()["detail"]


def test_token_is_stored_hashed_and_works(members_a, org_a):
    token, raw = issue_token(members_a[Role.ISMS_MANAGER], org_a, "nightly")
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in {stored.token_hash, stored.hint} and raw.startswith(stored.hint)
    me = bearer(raw).get("/api/v1/me").json()
    assert me["username"] == "a-isms_manager"
    assert me["memberships"][0]["role"] == "isms_manager"
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None


def test_revoked_expired_and_bogus_tokens_are_refused(members_a, org_a):
    user = members_a[Role.OWNER]
    token, raw = issue_token(user, org_a, "old")
    assert bearer(raw).get("/api/v1/audit-trail").status_code == 200
    revoke_token(token)
    assert bearer(raw).get("/api/v1/audit-trail").status_code == 401
    token2, raw2 = issue_token(user, org_a, "short", expires_at=timezone.now() + dt.timedelta(1))
    ApiToken.objects.filter(pk=token2.pk).update(expires_at=timezone.now() - dt.timedelta(1))
    assert bearer(raw2).get("/api/v1/audit-trail").status_code == 401
    assert bearer("oisms_" + "x" * 43).get("/api/v1/audit-trail").status_code == 401
    assert bearer("garbage").get("/api/v1/me").status_code == 401
    user.is_active = False
    user.save()
    _, raw3 = issue_token(user, org_a, "inactive user")
    assert bearer(raw3).get("/api/v1/me").status_code == 401


def test_token_lifecycle_over_the_api(members_a, org_a):
    _, raw = issue_token(members_a[Role.CONTRIBUTOR], org_a, "bootstrap")
    client = bearer(raw)
    created = client.post("/api/v1/tokens", {"name": "second"}, content_type="application/json")
    assert created.status_code == 201 and created.json()["token"].startswith("oisms_")
    listed = client.get("/api/v1/tokens").json()
    assert listed["count"] == 2 and all("token" not in t for t in listed["items"])
    gone = client.delete(f"/api/v1/tokens/{created.json()['id']}")
    assert gone.status_code == 204
    assert bearer(created.json()["token"]).get("/api/v1/me").status_code == 401
    bad = client.post("/api/v1/tokens", {"name": "a\u0000b"}, content_type="application/json")
    assert bad.status_code == 400 and "NUL" in str(bad.json()["detail"])


def test_session_auth_needs_csrf_for_writes(members_a, org_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(members_a[Role.OWNER])
    assert client.get("/api/v1/audit-trail", headers={"X-Organisation": "alpha"}).status_code == 200
    refused = client.post(
        "/api/v1/tokens", {"name": "x"}, content_type="application/json",
        headers={"X-Organisation": "alpha"},
    )  # fmt: skip
    assert refused.status_code in {401, 403}


def test_session_without_organisation_gets_a_clear_404(members_a):
    client = login(members_a[Role.OWNER])
    response = client.get("/api/v1/audit-trail")
    assert response.status_code == 404 and "X-Organisation" in response.json()["detail"]
    client.get("/o/alpha/")  # opening an organisation in the browser makes it the default
    assert client.get("/api/v1/audit-trail").status_code == 200


def test_catalogue_api(members_a, org_a):
    _, raw = issue_token(members_a[Role.VIEWER], org_a, "catalogue")
    client = bearer(raw)
    frameworks = client.get("/api/v1/frameworks").json()
    assert {f["slug"] for f in frameworks["items"]} == {"iso27001-2022", "iso27001-2013"}
    tech = client.get("/api/v1/frameworks/iso27001-2022/requirements?theme=Technological").json()
    assert tech["count"] == 34 and tech["items"][0]["ref"] == "A.8.1"
    page2 = client.get("/api/v1/frameworks/iso27001-2022/requirements?limit=10&offset=130").json()
    assert page2["count"] == 134 and len(page2["items"]) == 4
    detective = client.get(
        "/api/v1/frameworks/iso27001-2022/requirements?control_type=Detective&limit=200"
    ).json()
    assert detective["count"] > 0
    assert all("Detective" in i["attributes"]["control_type"] for i in detective["items"])
    detail = client.get("/api/v1/frameworks/iso27001-2022/requirements/A.8.24").json()
    assert detail["title"] == "Use of cryptography" and detail["guidance"]["summary"]
    assert {m["ref"] for m in detail["mapped_from"]} == {"A.10.1.1", "A.10.1.2"}
    clause = client.get("/api/v1/frameworks/iso27001-2022/requirements/9.3").json()
    assert clause["children"] == ["9.3.1", "9.3.2", "9.3.3"] and clause["parent"] == "9"
    missing = client.get("/api/v1/frameworks/iso27001-2022/requirements/A.99")
    assert missing.status_code == 404 and "A.99" in missing.json()["detail"]
    assert client.get("/api/v1/frameworks/nope").status_code == 404


def test_organisation_and_member_routes(members_a, org_a):
    owner = members_a[Role.OWNER]
    _, raw = issue_token(owner, org_a, "admin")
    client = bearer(raw)
    orgs = client.get("/api/v1/organisations").json()
    assert orgs["items"] == [{"slug": "alpha", "name": "Alpha Ltd", "role": "owner"}]
    refused = client.post(
        "/api/v1/organisations", {"slug": "new", "name": "New"}, content_type="application/json"
    )
    assert refused.status_code == 403
    owner.is_superuser = True
    owner.save()
    made = client.post(
        "/api/v1/organisations", {"slug": "new", "name": "New"}, content_type="application/json"
    )
    assert made.status_code == 201
    dup = client.post(
        "/api/v1/organisations", {"slug": "new", "name": "New"}, content_type="application/json"
    )
    assert dup.status_code == 400 and "already exists" in str(dup.json()["detail"])
    members = client.get("/api/v1/organisations/alpha/members").json()
    assert members["count"] == 6
    viewer = next(m for m in members["items"] if m["username"] == "a-viewer")
    changed = client.patch(
        f"/api/v1/organisations/alpha/members/{viewer['id']}",
        {"role": "auditor"},
        content_type="application/json",
    )
    assert changed.status_code == 200 and changed.json()["expires_at"] is not None
    bad_role = client.patch(
        f"/api/v1/organisations/alpha/members/{viewer['id']}",
        {"role": "emperor"},
        content_type="application/json",
    )
    assert bad_role.status_code == 422
    not_object = client.patch(
        f"/api/v1/organisations/alpha/members/{viewer['id']}", [1, 2],
        content_type="application/json",
    )  # fmt: skip
    assert not_object.status_code in {400, 422}
    me = next(m for m in members["items"] if m["username"] == "a-owner")
    last_owner = client.delete(f"/api/v1/organisations/alpha/members/{me['id']}")
    assert last_owner.status_code == 400 and "owner" in last_owner.json()["detail"]
    assert client.delete(f"/api/v1/organisations/alpha/members/{viewer['id']}").status_code == 204


def test_nul_characters_are_refused_everywhere(members_a, org_a):
    _, raw = issue_token(members_a[Role.OWNER], org_a, "nul")
    client = bearer(raw)
    for url in (
        "/api/v1/audit-trail?user=a%00b",
        "/api/v1/frameworks/iso27001-2022/requirements?q=%00",
    ):
        response = client.get(url)
        assert response.status_code == 400 and "NUL" in response.json()["detail"], url
    body = client.post("/api/v1/tokens", '{"name": "a\\u0000b"}', content_type="application/json")
    assert body.status_code == 400
    page = login(members_a[Role.OWNER]).get("/o/alpha/audit-trail/?user=%00")
    assert page.status_code == 400 and b"NUL" in page.content
    # Multipart forms are left to the form fields, which refuse NUL with a message.
    form = login(members_a[Role.OWNER]).post("/o/alpha/tokens/", {"name": "x\x00"})
    assert form.status_code == 200 and b"Null characters are not allowed" in form.content
    assert not ApiToken.objects.filter(name__startswith="x").exists()


@pytest.mark.django_db
def test_offsets_postgresql_cannot_store_are_normalised(members_a, org_a):
    """Python accepts UTC offsets up to ±23:59, PostgreSQL only ±15:59 (schemathesis found it)."""
    from django.test import Client

    from openisms.core.models import ApiToken
    from openisms.core.services.tokens import issue_token

    _, raw = issue_token(members_a[Role.OWNER], org_a, "offsets")
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    response = client.post(
        "/api/v1/tokens",
        {"name": "far offset", "expires_at": "4318-02-08T01:13:55+16:00"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    token = ApiToken.objects.get(name="far offset")
    assert token.expires_at.isoformat().startswith("4318-02-07T09:13:55")
