"""The ISMS scope in Debian's chromium through Playwright (collected last: it flushes the DB)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser import BROWSER_MARKS, log_in

pytestmark = BROWSER_MARKS


@pytest.fixture
def risk_and_context_demo(monkeypatch):
    """The demo with the risk and context records only: this test needs nothing else."""
    from openisms.core import demo

    kept = [b for b in demo.DEMO_BUILDERS if b.__module__.split(".")[1] in ("risk", "context")]
    monkeypatch.setattr(demo, "DEMO_BUILDERS", kept)


def test_manager_edits_the_scope_draft_and_the_approver_approves_it(
    page: Page, risk_and_context_demo, demo
):
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    log_in(page, demo, "manager")
    page.get_by_role("link", name="ISMS scope", exact=True).click()
    expect(page.locator("#scope-approved h2")).to_contain_text("In force: v1")

    page.get_by_role("button", name="Propose a change").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit draft v2 of the ISMS scope")
    locations = page.get_by_label("Locations")
    locations.fill(locations.input_value() + "\nNew warehouse in Leeds")
    page.locator("input[name=exclusion_item]").nth(2).fill("Staff car park")
    page.locator("textarea[name=exclusion_justification]").nth(2).fill(
        "Run by the landlord; no information is processed there."
    )
    page.get_by_label("What changed in this version").fill("Add the new warehouse")
    page.get_by_role("button", name="Save draft").click()

    draft = page.locator("#scope-draft")
    expect(draft.locator("h2")).to_contain_text("Draft v2")
    expect(draft.locator(".diff")).to_contain_text("+ New warehouse in Leeds")
    expect(draft.locator(".diff")).to_contain_text("Staff car park")
    expect(draft.get_by_role("button", name="Approve v2")).to_have_count(0)  # not the manager's

    page.context.clear_cookies()
    log_in(page, demo, "approver")
    page.get_by_role("link", name="ISMS scope", exact=True).click()
    page.get_by_label("Comment (required to reject)").fill("Warehouse agreed at the board meeting")
    page.get_by_role("button", name="Approve v2").click()

    expect(page.locator(".messages")).to_contain_text("Scope v2 approved")
    approved = page.locator("#scope-approved")
    expect(approved.locator("h2")).to_contain_text("In force: v2")
    expect(approved.locator(".state-approved")).to_have_text("Approved")
    expect(approved).to_contain_text("New warehouse in Leeds")
    expect(approved.locator(".approval")).to_contain_text("Alex Approver")
    expect(page.locator("#scope-draft")).to_have_count(0)
    history = page.locator("table.versions tbody tr")
    expect(history).to_have_count(2)
    expect(history.first).to_contain_text("Approved")
    expect(history.nth(1)).to_contain_text("Superseded")
    assert not [e for e in errors if "Content Security Policy" in e], errors
