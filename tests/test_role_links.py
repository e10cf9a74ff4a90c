"""No page links to a 403 (or a 500): each demo role walks every navigation page, every link on
them and one level of detail pages (issue 10: "links that respect the role")."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import resolve

from openisms.core.permissions import Role
from tests.crawl import crawl, is_download

pytestmark = pytest.mark.django_db

ROLES = [r.value for r in Role]
USERNAMES = {
    "owner": "owner",
    "isms_manager": "manager",
    "contributor": "contributor",
    "approver": "approver",
    "auditor": "auditor",
    "viewer": "viewer",
}


def navigation_pages(client: Client, slug: str) -> list[str]:
    """The dashboard and every link of the sidebar, as the role sees it."""
    from tests.crawl import links_in

    prefix = f"/o/{slug}/"
    html = client.get(prefix).content.decode()
    pages = [prefix]
    for link in links_in(html, prefix, prefix):
        if link not in pages:
            pages.append(link)
    return pages


def walk(client: Client, slug: str, access):
    def get(url: str) -> tuple[int, str]:
        action = getattr(resolve(urlsplit(url).path).func, "org_action", None)
        if is_download(url) and action:
            # A file's permission is its view's action; building every PDF six times is slow.
            return (200 if access.can(action) else 403), ""
        response = client.get(url)
        if response.get("Content-Type", "").startswith("text/html"):
            return response.status_code, response.content.decode()
        return response.status_code, ""

    prefix = f"/o/{slug}/"
    return crawl(get, navigation_pages(client, slug), prefix)


def test_no_role_is_linked_to_a_forbidden_page():
    from django.contrib.auth import get_user_model

    from openisms.core.access import find_access
    from openisms.core.demo import ensure_demo

    org = ensure_demo().organisation
    users = get_user_model().objects.in_bulk(USERNAMES.values(), field_name="username")
    problems = []
    for role in ROLES:
        client = Client()
        client.force_login(users[USERNAMES[role]])
        started = time.monotonic()
        access = find_access(users[USERNAMES[role]], org.slug)
        result = walk(client, org.slug, access)
        print(role, len(result.status), "URLs", round(time.monotonic() - started, 1), "s")
        assert len(result.pages) > 10, role
        assert role != "owner" or len(result.posts) > 20
        problems += [f"{role}: {line}" for line in result.failures()]
        # A button is a link too: the role must be allowed what its form posts to. Checked by
        # asking the view's action (posting would change the demo for the roles after).
        for target, source in result.posts.items():
            action = getattr(resolve(urlsplit(target).path).func, "org_action", None)
            if action and not access.can(action):
                problems.append(f"{role}: button to {target} ({action}) on {source}")
    assert problems == [], "\n".join(problems)
