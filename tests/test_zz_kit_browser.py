"""Safe deletion in the browser (collected last: flushes the DB): the delete asks and names what
goes, the record disappears, Recently deleted shows it, Restore brings it back with its links."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser import BROWSER_MARKS, log_in

pytestmark = BROWSER_MARKS


def test_delete_asks_then_restore_brings_the_risk_back_with_its_links(page: Page, demo):
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    log_in(page, demo, "manager")
    page.goto(f"{demo}/o/demo/risk/register/?q=R-0001")
    page.get_by_role("link", name="R-0001").first.click()
    title = page.get_by_role("heading", level=1).inner_text()
    page.get_by_role("link", name="Delete R-0001").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Delete risk “R-0001")
    links = page.locator('[data-impact="links"]')
    expect(links).to_be_visible()  # names the links hidden with it (assets, controls, …)
    page.get_by_role("button", name="Delete risk").click()
    expect(page.locator("body")).to_contain_text("Risk “R-0001")
    expect(page.locator("body")).to_contain_text("restore it from Recently deleted")
    page.goto(f"{demo}/o/demo/risk/register/?q=R-0001")
    expect(page.get_by_role("link", name="R-0001")).to_have_count(0)

    page.get_by_role("link", name="Recently deleted").first.click()
    row = page.locator("tr", has_text="R-0001")
    expect(row).to_be_visible()
    row.get_by_role("button", name="Restore").click()
    expect(page.locator("body")).to_contain_text("restored with its links")
    page.goto(f"{demo}/o/demo/risk/register/?q=R-0001")
    page.get_by_role("link", name="R-0001").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.locator("body")).to_contain_text("A-0")  # its assets are linked again
    assert not [e for e in errors if "Content Security Policy" in e], errors
