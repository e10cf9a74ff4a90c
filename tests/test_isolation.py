"""Organisation isolation over every page and API route that exists.

The routes are enumerated from the URL resolver and the OpenAPI document, not listed by hand,
so a new route is covered (or the test fails asking for a sample value) the day it is added.
"""

from __future__ import annotations

import importlib
import pathlib
import re
import uuid

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver

from openisms.api import api
from openisms.core.context import org_context
from openisms.core.models import ApiToken, AuditEntry, Invitation, Membership
from openisms.core.permissions import Role
from openisms.core.services.organisations import create_invitation
from openisms.core.services.tokens import issue_token
from openisms.risk.models import ClassificationLevel, ImportJob
from openisms.risk.services.actions import create_action
from openisms.risk.services.assets import create_asset
from openisms.risk.services.risks import create_risk
from tests.conftest import login

pytestmark = pytest.mark.django_db


def org_patterns() -> list[str]:
    """Every URL pattern under /o/<org_slug>/, as a route string."""
    found: list[str] = []

    def walk(patterns, prefix: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                found.append(prefix + str(p.pattern))

    for p in get_resolver().url_patterns:
        if isinstance(p, URLResolver) and str(p.pattern) == "o/<slug:org_slug>/":
            walk(p.url_patterns, str(p.pattern))
    return found


def fill(route: str, values: dict[str, str]) -> str:
    def sub(match: re.Match) -> str:
        name = match.group(2)
        assert name in values, f"isolation test needs a sample value for <{name}> in {route}"
        return values[name]

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", sub, route)


# Each domain app adds its own samples in tests/isolation_<app>.py: ``b_objects(org_b, owner)``
# (run inside org_b's context) returns URL/API values of org_b's records; optional ``SAMPLES``
# (URL values that are not ids) and ``API_BODY`` (fields its request bodies need).
EXTRA = [
    importlib.import_module(f"tests.{path.stem}")
    for path in sorted(pathlib.Path(__file__).parent.glob("isolation_*.py"))
]


@pytest.fixture
def b_objects(members_b, org_b):
    extra: dict[str, str] = {}
    with org_context(org_b):
        for module in EXTRA:
            extra.update(module.b_objects(org_b, members_b[Role.OWNER]))
    return {**_core_b_objects(members_b, org_b), **extra}


def _core_b_objects(members_b, org_b):
    owner = members_b[Role.OWNER]
    with org_context(org_b):
        invitation, _ = create_invitation(
            org_b, email="x@example.test", role=Role.VIEWER, invited_by=owner
        )
        token, _ = issue_token(owner, org_b, "b script")
        asset = create_asset({"name": "B secret server", "type": "hardware"})
        risk = create_risk({"title": "B secret risk", "assets": [asset], "inherent_likelihood": 3,
                            "inherent_impact": 4})  # fmt: skip
        action = create_action(risk, {"title": "B secret action"})
        job = ImportJob.objects.create(
            kind="assets", file=ContentFile(b"name\n", name="b.csv"), filename="b.csv",
            sha256="0" * 64, size=5, uploaded_by=owner,
        )  # fmt: skip
        level = ClassificationLevel.objects.first()
    return {
        "membership_id": str(Membership.objects.filter(organisation=org_b).first().pk),
        "invitation_id": str(invitation.pk),
        "token_id": str(token.pk),
        "asset_id": str(asset.pk),
        "risk_id": str(risk.pk),
        "action_id": str(action.pk),
        "job_id": str(job.pk),
        "level_id": str(level.pk),
    }


SAMPLES = {
    "key": "context",
    "framework": "iso27001-2022",
    "ref": "A.8.24",
    "which": "inherent",
    "version": "1",
    "kind": "assets",
    "fmt": "xlsx",
}
for _module in EXTRA:
    SAMPLES.update(getattr(_module, "SAMPLES", {}))


def test_every_org_page_of_b_is_404_for_every_member_of_a(members_a, b_objects):
    routes = org_patterns()
    assert len(routes) >= 15
    for role, user in members_a.items():
        client = login(user)
        for route in routes:
            url = fill(route, {**SAMPLES, **b_objects, "org_slug": "bravo"})
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                assert response.status_code == 404, (role, method, url, response.status_code)


def test_b_objects_under_a_slug_are_404_for_a_owner(members_a, b_objects):
    client = login(members_a[Role.OWNER])
    object_routes = [r for r in org_patterns() if "_id>" in r]
    assert object_routes
    for route in object_routes:
        url = fill(route, {**SAMPLES, **b_objects, "org_slug": "alpha"})
        # A POST-only route answers GET with 405 before looking anything up: no leak.
        assert client.get(url).status_code in {404, 405}, url
        response = client.post(url)
        assert response.status_code == 404, (url, response.status_code)


def test_unknown_and_foreign_organisations_look_the_same(members_a, org_b):
    client = login(members_a[Role.OWNER])
    foreign = client.get("/o/bravo/")
    missing = client.get("/o/does-not-exist/")
    assert foreign.status_code == missing.status_code == 404
    assert _stable(foreign.content) == _stable(missing.content)


def _stable(html: bytes) -> str:
    """The page without its per-response randomness (CSP nonce, CSRF token)."""
    text = re.sub(r'nonce="[^"]*"', "", html.decode())
    text = re.sub(r'value="[A-Za-z0-9]{64}"', "", text)
    return re.sub(r'"X-CSRFToken": "[^"]*"', "", text)


def test_nothing_of_b_appears_on_a_pages(members_a, members_b, b_objects):
    client = login(members_a[Role.OWNER])
    for route in org_patterns():
        if "_id>" in route or route.endswith(("remove/", "revoke/", "verify/")):
            continue
        url = fill(route, {**SAMPLES, "org_slug": "alpha"})
        response = client.get(url)
        raw = b"".join(response.streaming_content) if response.streaming else response.content
        body = raw.decode(errors="replace")
        needles = ("Bravo plc", "b-owner", "b-viewer", "b script", "B secret", *b_objects.values())
        for needle in needles:
            assert needle not in body, (url, needle)


# --- API ---------------------------------------------------------------------------------

API_SAMPLES = {
    "slug": "bravo",
    "member_id": None,  # filled per test
    "token_id": None,
    "ref": "A.8.24",
}


def api_operations() -> list[tuple[str, str]]:
    schema = api.get_openapi_schema()
    return [
        (method.upper(), path)
        for path, ops in schema["paths"].items()
        for method in ops
        if method in {"get", "post", "patch", "put", "delete"}
    ]


# Reference data any authenticated user may read, and routes about the caller themself.
NOT_ORG_SCOPED = {
    "/api/v1/me",
    "/api/v1/organisations",
    "/api/v1/frameworks",
    "/api/v1/frameworks/{slug}",
    "/api/v1/frameworks/{slug}/requirements",
    "/api/v1/frameworks/{slug}/requirements/{ref}",
}


@pytest.fixture
def a_token(members_a, org_a):
    _, raw = issue_token(members_a[Role.OWNER], org_a, "a script")
    return raw


def test_every_org_api_route_refuses_b_for_a(a_token, b_objects, members_a):
    values = {
        **b_objects,
        "slug": "bravo",
        "member_id": b_objects["membership_id"],
        "token_id": b_objects["token_id"],
        "ref": "A.8.24",
        "asset_id": b_objects["asset_id"],
        "risk_id": b_objects["risk_id"],
        "action_id": b_objects["action_id"],
        "level_id": b_objects["level_id"],
        "version": "1",
    }
    operations = [(m, p) for m, p in api_operations() if p not in NOT_ORG_SCOPED]
    assert len(operations) >= 10
    session = login(members_a[Role.OWNER])
    for method, path in operations:
        url = re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path)
        # Ninja checks the body's shape before the route resolves the organisation: send one
        # that every route accepts, so that the answer is about the organisation alone.
        body = {"role": "viewer", "username": "b-owner", "name": "x", "title": "x", "code": "x",
                "category": "x", "decision": "approve", "method": {
                    "likelihood": [], "impact": [], "levels": [], "matrix": [],
                    "acceptance_threshold": "x"}}  # fmt: skip
        for module in EXTRA:
            body.update(getattr(module, "API_BODY", {}))
        for label, call in (
            ("token", lambda u: _call_token(method, u, a_token, body)),
            ("session", lambda u: _call_session(session, method, u, body)),
        ):
            response = call(url)
            assert response.status_code == 404, (label, method, url, response.status_code)
            assert response.json()["detail"], (label, method, url)


def _call_token(method: str, url: str, token: str, body: dict):
    from django.test import Client

    return Client().generic(
        method,
        url,
        data=__import__("json").dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}", "X-Organisation": "bravo"},
    )


def _call_session(client, method: str, url: str, body: dict):
    return client.generic(
        method,
        url,
        data=__import__("json").dumps(body),
        content_type="application/json",
        headers={"X-Organisation": "bravo"},
    )


def test_org_scoped_lists_contain_only_a(a_token, members_b, b_objects):
    from django.test import Client

    client = Client(headers={"Authorization": f"Bearer {a_token}"})
    for path in ("/api/v1/audit-trail", "/api/v1/approvals", "/api/v1/tokens", "/api/v1/me",
                 "/api/v1/organisations", "/api/v1/organisations/alpha/members"):  # fmt: skip
        response = client.get(path + "?limit=200")
        assert response.status_code == 200, path
        text = response.content.decode()
        for needle in ("bravo", "Bravo plc", "b-owner", "b script", "B secret",
                       *b_objects.values()):  # fmt: skip
            assert needle not in text, (path, needle)


def test_audit_entries_of_b_cannot_be_found_from_a(a_token, members_b, org_b):
    from django.test import Client

    b_entry = AuditEntry.unscoped.filter(organisation=org_b).first()
    client = Client(headers={"Authorization": f"Bearer {a_token}"})
    found = client.get(f"/api/v1/audit-trail?object_id={b_entry.object_id}").json()
    assert found["count"] == 0


def test_ids_are_not_guessable(members_a):
    m = Membership.objects.first()
    assert isinstance(m.pk, uuid.UUID)
    assert isinstance(ApiToken._meta.pk, type(Invitation._meta.pk))
