"""The permission map, role by role, and that pages and API routes obey it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from openisms.core.permissions import PERMISSIONS, READ_ONLY_ROLES, Role, UnknownAction, can
from openisms.core.services.organisations import set_membership
from openisms.core.services.tokens import issue_token
from tests.conftest import login

OW, M, C, A, AU, V = (Role.OWNER, Role.ISMS_MANAGER, Role.CONTRIBUTOR, Role.APPROVER,
                     Role.AUDITOR, Role.VIEWER)  # fmt: skip

EXPECTED = {
    "org.view": {OW, M, C, A, AU, V},
    "org.change": {OW},
    "members.view": {OW, M, AU},
    "members.manage": {OW},
    "catalogue.view": {OW, M, C, A, AU, V},
    "audit_trail.view": {OW, M, AU},
    "audit_trail.verify": {OW, M, AU},
    "audit_trail.anchor": {OW, M},
    "approvals.view": {OW, M, C, A, AU, V},
    "approvals.request": {OW, M, C},
    "approvals.decide": {OW, A},
    "records.view": {OW, M, C, A, AU, V},
    "records.create": {OW, M, C},
    "records.change": {OW, M, C},
    "records.delete": {OW, M},
    "records.export": {OW, M, AU, A},
    "records.import": {OW, M},
    "api_tokens.manage_own": {OW, M, C, A, AU, V},
    "risk.methodology.change": {OW, M},
    "risk.methodology.approve": {OW, A},
    "risk.classification.change": {OW, M},
    "risk.accept": {OW, M, C, A},
    "risk.plan.signoff": {OW, M, C},
    "risk.plan.approve": {OW, A},
    "context.change": {OW, M},
    "scope.change": {OW, M},
    "scope.approve": {OW, A},
    "leadership.change": {OW, M},
    "documents.create": {OW, M, C},
    "documents.change": {OW, M, C},
    "documents.approve": {OW, A},
    "documents.publish": {OW, M},
    "documents.request_ack": {OW, M},
    "documents.acknowledge": {OW, M, C, A, V},
    "people.change": {OW, M},
    "training.record": {OW, M},
    "training.confirm": {OW, M, C},
    "controls.change": {OW, M},
    "controls.implement": {OW, M, C},
    "evidence.upload": {OW, M, C},
    "evidence.download": {OW, M, C, A, AU},
    "evidence.request": {OW, M},
    "soa.freeze": {OW, M},
    "soa.approve": {OW, A},
}


def test_map_is_exactly_as_specified():
    assert set(PERMISSIONS) == set(EXPECTED)
    for action, roles in EXPECTED.items():
        for role in Role:
            assert can(role, action) == (role in roles), (role, action)


def test_read_only_roles_never_write():
    write_verbs = (".create", ".change", ".delete", ".manage", ".import", ".decide", ".request",
                   ".approve", ".accept", ".signoff", ".publish", ".request_ack",
                   ".record", ".confirm", ".implement", ".upload", ".freeze")  # fmt: skip
    for action in PERMISSIONS:
        if action.endswith(write_verbs):
            for role in READ_ONLY_ROLES:
                assert not can(role, action), (role, action)


def test_staff_acknowledge_but_auditors_only_read():
    assert can(Role.VIEWER, "documents.acknowledge")
    assert not can(Role.AUDITOR, "documents.acknowledge")


def test_unknown_action_fails_loudly_and_no_role_means_nothing():
    with pytest.raises(UnknownAction):
        can(Role.OWNER, "records.obliterate")
    assert not can(None, "org.view")


PAGES = {
    "/o/alpha/": "org.view",
    "/o/alpha/members/": "members.view",
    "/o/alpha/audit-trail/": "audit_trail.view",
    "/o/alpha/audit-trail/anchor/": "audit_trail.anchor",
    "/o/alpha/approvals/": "approvals.view",
    "/o/alpha/tokens/": "api_tokens.manage_own",
    "/o/alpha/catalogue/": "catalogue.view",
}


@pytest.mark.django_db
def test_pages_follow_the_map(members_a):
    for role, user in members_a.items():
        client = login(user)
        for url, action in PAGES.items():
            expected = 200 if can(role, action) else 403
            assert client.get(url).status_code == expected, (role, url)
        verify = client.post("/o/alpha/audit-trail/verify/")
        assert verify.status_code == (200 if can(role, "audit_trail.verify") else 403), role
        manage = client.post("/o/alpha/members/add/", {"username": "x", "role": "viewer"})
        assert manage.status_code == (200 if can(role, "members.manage") else 403), role


@pytest.mark.django_db
def test_api_follows_the_map(members_a, org_a):
    routes = {
        "/api/v1/audit-trail": "audit_trail.view",
        "/api/v1/audit-trail/verify": "audit_trail.verify",
        "/api/v1/audit-trail/anchor": "audit_trail.anchor",
        "/api/v1/approvals": "approvals.view",
        "/api/v1/tokens": "api_tokens.manage_own",
        "/api/v1/organisations/alpha/members": "members.view",
        "/api/v1/organisations/alpha": "org.view",
    }
    for role, user in members_a.items():
        _, raw = issue_token(user, org_a, "check")
        client = Client(headers={"Authorization": f"Bearer {raw}"})
        for url, action in routes.items():
            expected = 200 if can(role, action) else 403
            response = client.get(url)
            assert response.status_code == expected, (role, url, response.content)
        add = client.post(
            "/api/v1/organisations/alpha/members",
            {"username": "a-viewer", "role": "viewer"},
            content_type="application/json",
        )
        assert add.status_code == (201 if can(role, "members.manage") else 403), role


@pytest.mark.django_db
def test_expired_auditor_loses_access(members_a, org_a):
    auditor = members_a[Role.AUDITOR]
    client = login(auditor)
    assert client.get("/o/alpha/audit-trail/").status_code == 200
    membership = auditor.memberships.get()
    membership.expires_at = timezone.now() - dt.timedelta(minutes=1)
    membership.save()
    assert client.get("/o/alpha/").status_code == 404
    _, raw = issue_token(auditor, org_a, "late")
    response = Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/v1/audit-trail")
    assert response.status_code == 404


@pytest.mark.django_db
def test_auditor_access_always_expires(members_a, org_a):
    membership = set_membership(org_a, members_a[Role.VIEWER], Role.AUDITOR)
    assert membership.expires_at is not None
    assert membership.expires_at > timezone.now() + dt.timedelta(days=80)
