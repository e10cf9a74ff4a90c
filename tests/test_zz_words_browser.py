"""The getting-started path of a new organisation, in Debian's chromium (collected last)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser import BROWSER_MARKS, settle_requests
from tests.conftest import PASSWORD, make_member, make_org

pytestmark = BROWSER_MARKS


@pytest.fixture
def fresh(live_server):
    from django.db import connection

    from openisms.catalogue.loader import load_all
    from openisms.core.db_guards import install_append_only_guard, remove_append_only_guard
    from openisms.core.permissions import Role

    install_append_only_guard(connection)
    load_all()
    org = make_org("fresh", "Fresh Start Ltd")
    make_member(org, "starter", Role.OWNER)
    yield live_server.url
    settle_requests(connection)
    remove_append_only_guard(connection)


def test_new_organisation_follows_the_path_to_its_first_asset(page: Page, fresh):
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{fresh}/login/")
    page.get_by_label("Username").fill("starter")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    path = page.locator("#getting-started")
    expect(path).to_contain_text("0 of 6 steps done")
    expect(path.locator("[aria-current=step]")).to_contain_text("Define and approve the ISMS scope")
    expect(page.get_by_text("validation finding")).to_have_count(0)

    path.get_by_role("link", name="Add an asset").click()
    page.get_by_label("Name").fill("Customer database")
    page.get_by_role("button", name="Add to the inventory").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Customer database")

    page.get_by_role("link", name="Dashboard").click()
    expect(path).to_contain_text("1 of 6 steps done")
    expect(path.locator("[data-step=assets]")).to_contain_text("done")
    assert errors == []
