"""In Debian's chromium (collected last: it flushes the DB): an edit form's date input shows its
date and keeps it on save, and the page writes it the one human way."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import Page, expect

from tests.browser import BROWSER_MARKS, log_in

pytestmark = BROWSER_MARKS


def test_commitment_date_survives_an_edit_in_the_browser(page: Page, demo):
    from openisms.core.context import Actor, acting_as, org_context
    from openisms.core.models import Organisation
    from openisms.leadership.services.commitments import create_commitment

    with (
        org_context(Organisation.objects.get(slug="demo")),
        acting_as(Actor(user_id=None, label="browser test")),
    ):
        item = create_commitment(
            {"date": dt.date(2026, 9, 8), "kind": "decision", "title": "Browser date check"}
        )
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    log_in(page, demo, "manager")
    page.goto(f"{demo}/o/demo/leadership/commitments/{item.pk}/edit/")
    # The browser shows the date (a value it cannot parse would leave the field empty).
    expect(page.get_by_label("Date")).to_have_value("2026-09-08")
    page.get_by_label("Title").fill("Browser date check, edited")
    page.get_by_role("button", name="Save").click()
    row = page.locator("tr", has_text="Browser date check, edited")
    expect(row).to_contain_text("8 Sep 2026")
    item.refresh_from_db()
    assert item.date == dt.date(2026, 9, 8)
    assert errors == []
