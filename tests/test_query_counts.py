"""Queries per page do not grow with the data."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from openisms.core.permissions import Role
from openisms.core.services.tokens import issue_token
from tests.conftest import login, make_member

pytestmark = pytest.mark.django_db

PAGES = [
    "/o/alpha/",
    "/o/alpha/members/",
    "/o/alpha/audit-trail/",
    "/o/alpha/approvals/",
    "/o/alpha/tokens/",
    "/o/alpha/catalogue/",
    "/o/alpha/catalogue/iso27001-2022/",
    "/o/alpha/catalogue/iso27001-2022/A.5.1/",
    "/o/alpha/section/planning/",
]
API = [
    "/api/v1/audit-trail?limit=200",
    "/api/v1/organisations/alpha/members?limit=200",
    "/api/v1/frameworks/iso27001-2022/requirements?limit=200",
    "/api/v1/frameworks/iso27001-2022/requirements/A.5.1",
    "/api/v1/tokens",
    "/api/v1/me",
]


def count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200, url
    return len(ctx)


def test_query_counts_are_flat(members_a, org_a, django_assert_max_num_queries):
    owner = members_a[Role.OWNER]
    web = login(owner)
    _, raw = issue_token(owner, org_a, "counts")
    api = Client(headers={"Authorization": f"Bearer {raw}"})
    small = {url: count(web, url) for url in PAGES} | {url: count(api, url) for url in API}

    for n in range(60):  # 60 more members, 60+ more audit entries, more tokens
        make_member(org_a, f"extra-{n}", Role.VIEWER)
        issue_token(owner, org_a, f"t{n}")

    for url in PAGES:
        with django_assert_max_num_queries(small[url]):
            web.get(url)
    for url in API:
        with django_assert_max_num_queries(small[url]):
            api.get(url)
    # The dashboard gathers every module's panel (due reviews, training, the mandatory-documents
    # checklist, …): a fixed sum, checked flat above, but more than one page's worth. It also
    # builds "Waiting for me" (one or two queries per kind).
    dashboard = small.pop("/o/alpha/")
    assert dashboard <= 52, dashboard
    assert max(small.values()) <= 15, small
