"""The RACI matrix in Debian's chromium through Playwright (collected last: flushes the DB)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser import BROWSER_MARKS, log_in

pytestmark = BROWSER_MARKS
CELL = "Internal audit × Internal auditor"


def test_manager_sets_a_raci_cell_and_it_persists(page: Page, demo):
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    log_in(page, demo, "manager")
    page.get_by_role("link", name="RACI matrix").first.click()
    expect(page.get_by_role("heading", name="RACI matrix", level=1)).to_be_visible()
    warnings = page.locator("#raci-warnings")
    expect(warnings).to_contain_text("Every process has exactly one accountable role")

    cell = page.get_by_label(CELL)
    expect(cell).to_have_value("R")
    cell.select_option("A")  # a second A: the warning appears without a reload
    expect(warnings).to_contain_text("Internal audit")
    expect(warnings).to_contain_text("2 roles are accountable (A)")
    expect(page.get_by_label(CELL)).to_have_value("A")

    page.reload()
    expect(page.get_by_label(CELL)).to_have_value("A")
    expect(page.locator("#raci-warnings")).to_contain_text("2 roles are accountable (A)")

    page.get_by_label(CELL).select_option("R")  # back to a clean matrix
    expect(page.locator("#raci-warnings")).to_contain_text("Every process has exactly one")
    page.reload()
    expect(page.get_by_label(CELL)).to_have_value("R")
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_staff_see_letters_but_no_selects(page: Page, demo):
    log_in(page, demo, "viewer")
    page.get_by_role("link", name="RACI matrix").first.click()
    expect(page.locator("#raci-matrix")).to_be_visible()
    expect(page.locator("#raci-matrix select")).to_have_count(0)
    expect(page.get_by_title(CELL)).to_have_text("R")
