"""The risk pages and API cost the same number of queries for 20 risks as for 2,000."""

from __future__ import annotations

import pytest
from benchmarks.bench_data import AUDIT_SUMMARY, generate
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from openisms.core.context import Actor, acting_as, org_context
from openisms.core.models import Approval, AuditEntry
from openisms.core.permissions import Role
from openisms.core.services.tokens import issue_token
from openisms.risk.models import Asset, Risk, RiskStatus
from openisms.risk.services import methodology as methods
from tests.conftest import login

pytestmark = pytest.mark.django_db

PAGES = ["/o/alpha/risk/register/", "/o/alpha/risk/", "/o/alpha/risk/plan/"]
API = ["/api/v1/risk/risks?limit=50"]


def grow(org, *, assets: int, risks: int) -> None:
    with acting_as(Actor(user_id=None, label="tests")), org_context(org):
        generate(assets=assets, risks=risks)


def count(client: Client, url: str) -> int:
    # Once untimed: the first call of a session or token does one-off writes (last used, …)
    # that would give the comparison slack.
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx)


def test_generated_register_is_what_the_services_would_write(org_a, members_a):
    grow(org_a, assets=30, risks=120)
    grow(org_a, assets=5, risks=10)  # appending continues the refs
    with org_context(org_a):
        method = methods.current().method
        risks = list(Risk.objects.all())
        assert len(risks) == 130 and Asset.objects.count() == 35
        assert len({r.ref for r in risks}) == 130
        assert max(r.ref for r in risks) == "R-00130"
        for r in risks:
            if r.inherent_likelihood:
                level = method.level_for(r.inherent_likelihood, r.inherent_impact)
                assert (r.inherent_level, r.inherent_order) == (level.key, level.order)
            if r.residual_likelihood:
                assert r.residual_order <= r.inherent_order
        assert not Risk.objects.filter(assets=None).exists()
        accepted = Risk.objects.filter(status=RiskStatus.ACCEPTED).count()
        assert accepted and Approval.objects.count() == accepted
        assert AuditEntry.objects.filter(object_repr__startswith=AUDIT_SUMMARY).exists()
    # The sequences moved on: the next risk made through the service does not collide.
    from openisms.risk.services.risks import create_risk

    with acting_as(Actor(user_id=None, label="tests")), org_context(org_a):
        assert create_risk({"title": "After the bulk load"}).ref == "R-0131"


def test_risk_pages_do_not_grow_with_the_register(org_a, members_a, django_assert_max_num_queries):
    manager = members_a[Role.ISMS_MANAGER]
    web = login(manager)
    with acting_as(Actor(user_id=None, label="tests")):
        _, raw = issue_token(manager, org_a, "scale")
    api = Client(headers={"Authorization": f"Bearer {raw}"})

    grow(org_a, assets=10, risks=20)
    small = {url: count(web, url) for url in PAGES} | {url: count(api, url) for url in API}

    grow(org_a, assets=300, risks=1980)
    with org_context(org_a):
        assert Risk.objects.count() == 2000
    for url in PAGES:
        with django_assert_max_num_queries(small[url]):
            assert web.get(url).status_code == 200
    for url in API:
        with django_assert_max_num_queries(small[url]):
            assert api.get(url).status_code == 200
