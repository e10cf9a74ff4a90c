"""People pages in Debian's chromium through Playwright (collected last: they flush the DB)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser import BROWSER_MARKS, log_in, pick

pytestmark = BROWSER_MARKS


def test_manager_launches_a_campaign_and_records_a_score(page: Page, demo):
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    log_in(page, demo, "manager")
    page.get_by_role("link", name="Training & awareness").first.click()
    expect(page.get_by_role("heading", name="Training & awareness", level=1)).to_be_visible()
    # The demo's annual campaign is running and partly done.
    expect(page.locator("table.campaigns")).to_contain_text("Annual security awareness")

    page.get_by_role("link", name="New campaign").click()
    page.get_by_label("Name").fill("Finance phishing drill")
    page.get_by_label("Course or awareness module").select_option(label="Phishing recognition")
    pick(page, "Departments", "Fin", "Finance")
    today = timezone.localdate()
    page.get_by_label("Starts on").fill(today.isoformat())
    page.get_by_label("Due on").fill((today + dt.timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Create campaign").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Finance phishing drill")
    expect(page.locator("#campaign-status")).to_have_text("Draft")
    page.get_by_role("button", name="Launch campaign").click()
    expect(page.locator(".messages")).to_contain_text("Campaign launched: 5 assignments")
    expect(page.locator("#campaign-status")).to_have_text("Running")
    expect(page.locator("#n-assigned")).to_have_text("5")
    expect(page.locator("#pct-completed")).to_have_text("0 %")

    row = page.locator("table.assignments tbody tr").filter(has_text="Peter Walsh")
    row.get_by_label("Score of Peter Walsh (%)").fill("90")
    row.get_by_role("button", name="Record").click()
    # htmx swaps the row in place and the progress panel refreshes itself.
    expect(row).to_contain_text("90 %")
    expect(row).to_contain_text("Completed")
    expect(page.locator("#n-completed")).to_have_text("1")
    expect(page.locator("#n-assigned")).to_have_text("4")
    expect(page.locator("#pct-completed")).to_have_text("20 %")

    # A score under the pass mark fails, and the row says so.
    other = page.locator("table.assignments tbody tr").filter(has_text="Nina Petrova")
    other.get_by_label("Score of Nina Petrova (%)").fill("40")
    other.get_by_role("button", name="Record").click()
    expect(other).to_contain_text("Failed")
    expect(page.locator("#n-failed")).to_have_text("1")

    page.reload()
    expect(page.locator("#n-completed")).to_have_text("1")
    assert not [e for e in errors if "Content Security Policy" in e], errors
