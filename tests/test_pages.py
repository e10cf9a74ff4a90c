"""Every page renders for the roles that may see it, with sensible empty states."""

from __future__ import annotations

import pytest
from django.urls import reverse

from openisms.core.permissions import Role
from tests.conftest import PASSWORD, login

pytestmark = pytest.mark.django_db


def test_login_page_and_login_flow(members_a, client):
    page = client.get(reverse("login"))
    assert page.status_code == 200 and b"Log in to OpenISMS" in page.content
    bad = client.post(reverse("login"), {"username": "a-owner", "password": "nope"})
    assert b"didn't match" in bad.content
    ok = client.post(reverse("login"), {"username": "a-owner", "password": PASSWORD})
    assert ok.status_code == 302
    home = client.get(reverse("home"))
    assert home.status_code == 302 and home.url == "/o/alpha/"


def test_anonymous_is_sent_to_login(org_a, client):
    response = client.get("/o/alpha/")
    assert response.status_code == 302 and response.url.startswith("/login/")


def test_pages_render_for_manager(members_a):
    c = login(members_a[Role.ISMS_MANAGER])
    for url in [
        "/o/alpha/",
        "/o/alpha/section/context/",
        "/o/alpha/section/certification/",
        "/o/alpha/members/",
        "/o/alpha/audit-trail/",
        "/o/alpha/approvals/",
        "/o/alpha/tokens/",
        "/o/alpha/catalogue/",
        "/o/alpha/catalogue/iso27001-2022/",
        "/o/alpha/catalogue/iso27001-2022/?kind=control&theme=Technological",
        "/o/alpha/catalogue/iso27001-2022/A.8.24/",
        "/o/alpha/catalogue/iso27001-2022/6.1.2/",
        "/o/alpha/catalogue/iso27001-2013/A.10.1.1/",
        "/orgs/",
    ]:
        response = c.get(url)
        assert response.status_code == 200, url
        assert b"Content-Security-Policy" not in response.content
        assert "script-src 'self' 'nonce-" in response["Content-Security-Policy"], url


def test_catalogue_filters(members_a):
    c = login(members_a[Role.VIEWER])
    page = c.get("/o/alpha/catalogue/iso27001-2022/?kind=control&theme=Technological")
    body = page.content.decode()
    assert "34 results" in body and "A.8.24" in body and "A.5.1<" not in body
    page = c.get("/o/alpha/catalogue/iso27001-2022/?control_type=Detective&kind=control")
    assert "A.8.16" in page.content.decode()  # monitoring activities is detective
    page = c.get("/o/alpha/catalogue/iso27001-2022/?q=cryptography")
    assert "A.8.24" in page.content.decode()
    empty = c.get("/o/alpha/catalogue/iso27001-2022/?q=zzzzqqq")
    assert "Nothing matches these filters" in empty.content.decode()
    partial = c.get(
        "/o/alpha/catalogue/iso27001-2022/?theme=People", headers={"HX-Request": "true"}
    )
    assert b"<html" not in partial.content and b"8 results" in partial.content


def test_requirement_detail_shows_attributes_guidance_and_mappings(members_a):
    c = login(members_a[Role.VIEWER])
    body = c.get("/o/alpha/catalogue/iso27001-2022/A.8.24/").content.decode()
    for text in ["Use of cryptography", "Technological", "Preventive", "Typical evidence",
                 "Common pitfalls", "A.10.1.1"]:  # fmt: skip
        assert text in body, text
    assert c.get("/o/alpha/catalogue/iso27001-2022/A.9.9/").status_code == 404


def test_superuser_creates_organisation_in_ui(members_a):
    admin = members_a[Role.OWNER]
    admin.is_superuser = True
    admin.save()
    c = login(admin)
    bad = c.post("/orgs/", {"name": "Charlie", "slug": "Not A Slug!"})
    assert bad.status_code == 200 and b"lower-case" in bad.content
    ok = c.post("/orgs/", {"name": "Charlie GmbH", "slug": "charlie"})
    assert ok.status_code == 302 and ok.url == "/o/charlie/"
    assert c.get("/o/charlie/").status_code == 200
    dup = c.post("/orgs/", {"name": "Charlie again", "slug": "charlie"})
    assert b"already exists" in dup.content


def test_non_superuser_cannot_create_organisation(members_a):
    c = login(members_a[Role.OWNER])
    assert c.post("/orgs/", {"name": "X", "slug": "x"}).status_code == 403


def test_switcher(members_a, org_b):
    from tests.conftest import make_member

    user = members_a[Role.VIEWER]
    from openisms.core.services.organisations import set_membership

    set_membership(org_b, user, Role.CONTRIBUTOR)
    c = login(user)
    response = c.post("/orgs/switch/", {"org": "bravo"})
    assert response.status_code == 302 and response.url == "/o/bravo/"
    assert c.get("/").url == "/o/bravo/"
    page = c.get("/o/bravo/").content.decode()
    assert "Alpha Ltd" in page and "Bravo plc" in page  # both in the switcher
    assert c.post("/orgs/switch/", {"org": "nowhere"}).status_code == 404
    assert make_member  # imported helper stays used
