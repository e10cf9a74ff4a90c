"""Browser tests in Debian's chromium through Playwright (collected last: they flush the DB)."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser import BROWSER_MARKS, log_in

pytestmark = BROWSER_MARKS


def test_manager_filters_catalogue_to_technological_and_opens_a_8_24(page: Page, demo):
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    log_in(page, demo, "manager")
    expect(page.get_by_role("heading", name="Demo Manufacturing Ltd")).to_be_visible()
    expect(page.locator(".role-badge")).to_have_text("ISMS manager")

    page.get_by_role("link", name="Catalogue", exact=True).click()
    page.get_by_role("link", name="ISO/IEC 27001:2022").click()
    expect(page.locator(".count")).to_have_text("134 results")

    page.get_by_label("Theme").select_option("Technological")  # htmx swaps the rows
    expect(page.locator(".count")).to_have_text("34 results")
    expect(page).to_have_url(re.compile(r"theme=Technological"))
    rows = page.locator("table.requirements tbody tr")
    expect(rows).to_have_count(34)
    expect(rows.first).to_contain_text("A.8.1")

    page.get_by_role("link", name="Use of cryptography").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("A.8.24 Use of cryptography")
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("Technological")
    expect(facts).to_contain_text("Preventive")
    expect(facts).to_contain_text("Confidentiality")
    expect(page.locator("section.guidance")).to_contain_text("Typical evidence")
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_owner_invites_a_new_member_who_joins(page: Page, demo, browser):
    log_in(page, demo, "owner")
    page.get_by_role("link", name="Members").click()
    page.get_by_label("E-mail of the person to invite").fill("newbie@example.test")
    page.locator("form[action$='invite/'] select[name=role]").select_option("contributor")
    page.get_by_role("button", name="Create invitation").click()
    link = page.get_by_label("Invitation link").input_value()
    assert "/invite/" in link

    other = browser.new_context().new_page()
    other.goto(link)
    expect(other.get_by_role("heading", name="Join Demo Manufacturing Ltd")).to_be_visible()
    other.locator("#id_username").fill("newbie")
    other.locator("#id_password").fill("a-long-enough-passphrase")
    other.locator("#id_password_again").fill("a-long-enough-passphrase")
    other.get_by_role("button", name="Create account and join").click()
    expect(other.locator(".role-badge")).to_have_text("Contributor (risk/control owner)")
    other.goto(link)  # single use
    expect(other.get_by_role("heading", name="This invitation is not valid")).to_be_visible()
