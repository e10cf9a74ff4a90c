"""Risk pages in Debian's chromium through Playwright (collected last: they flush the DB)."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser import BROWSER_MARKS, log_in, pick

pytestmark = BROWSER_MARKS

TITLE = "Browser-made risk: stolen design files"


def inherent_cell(page: Page, cell: str):
    return page.locator(f"svg#heatmap-inherent a[data-cell='{cell}']")


def test_manager_scores_a_risk_and_finds_it_through_the_heat_map(page: Page, demo):
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    log_in(page, demo, "manager")
    expect(page.get_by_role("heading", name="Demo Manufacturing Ltd")).to_be_visible()

    page.get_by_role("link", name="Risk overview").click()
    expect(page.get_by_role("heading", name="Risk overview", level=1)).to_be_visible()
    before = int(inherent_cell(page, "4-4").get_attribute("data-count"))

    page.get_by_role("link", name="Risk register", exact=True).first.click()
    page.get_by_role("link", name="New risk").click()
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Inherent likelihood").select_option(label="4 · Likely")
    page.get_by_label("Inherent impact").select_option(label="4 · Major")
    pick(page, "Annex A controls", "cryptog", "A.8.24 Use of cryptography")
    page.get_by_role("button", name="Record risk").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)
    expect(page.locator("#inherent-level")).to_contain_text("High")
    expect(page.locator("#inherent-level")).to_contain_text("Likely")

    page.get_by_role("link", name="Risk overview").click()
    cell = inherent_cell(page, "4-4")
    expect(cell).to_have_attribute("data-count", str(before + 1))
    expect(cell.locator("text")).to_have_text(str(before + 1))
    cell.click()

    expect(page).to_have_url(re.compile(r"map=inherent&cell=4-4"))
    expect(page.locator("#cell-chip")).to_contain_text("Inherent: Likely × Major")
    rows = page.locator("table.risks tbody tr")
    expect(rows).to_have_count(before + 1)
    expect(rows.filter(has_text=TITLE)).to_have_count(1)

    # Narrowing further with the filters keeps the cell (htmx swaps the rows only).
    page.get_by_label("Search").fill("stolen design")
    expect(rows).to_have_count(1)
    expect(page).to_have_url(re.compile(r"q=stolen"))
    expect(page).to_have_url(re.compile(r"cell=4-4"))

    page.locator("#cell-chip a").click()  # remove the cell filter
    expect(page.locator("#cell-chip")).to_have_count(0)
    expect(rows.filter(has_text=TITLE)).to_have_count(1)
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_import_with_job_titles_as_owners_creates_them_as_people(page: Page, demo, tmp_path):
    """A register whose owners are job titles: listed once, created as people, imported."""
    path = tmp_path / "titles.csv"
    path.write_text("name,owner\nTill system,CFO\nFirewall,Head of IT\nKeys,CFO\n")
    log_in(page, demo, "manager")
    page.goto(f"{demo}/o/demo/risk/import/assets/")
    page.locator("input[type=file]").set_input_files(str(path))
    page.get_by_role("button", name="Upload and check").click()
    owners = page.locator("#unknown-owners")
    expect(owners.get_by_text("CFO", exact=True)).to_have_count(1)  # once, not per row
    expect(owners.get_by_text("Head of IT", exact=True)).to_have_count(1)
    owners.get_by_role("button", name="Save and check again").click()
    expect(page.locator("#new-owners")).to_contain_text("CFO, Head of IT")
    page.get_by_role("button", name=re.compile(r"Import 3 rows")).click()
    expect(page.get_by_text("3 created")).to_be_visible()
