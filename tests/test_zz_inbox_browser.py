"""“Waiting for me” in Debian's chromium (collected last: it flushes the DB): a document sent
for approval waits on the approver's dashboard, and the approver opens it from the inbox."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser import BROWSER_MARKS, log_in

pytestmark = BROWSER_MARKS


def send_for_approval() -> str:
    """The demo's manager writes a procedure and sends it for approval; returns its ref."""
    from django.contrib.auth import get_user_model

    from openisms.core.context import acting_as, org_context
    from openisms.core.models import Organisation
    from openisms.documents.services import documents, versions

    manager = get_user_model().objects.get(username="manager")
    with org_context(Organisation.objects.get(slug="demo")), acting_as(manager):
        document = documents.create_document(
            {"title": "Clean desk procedure", "kind": "procedure", "owner": manager,
             "content": "# Clean desk\n\nLock the screen, clear the desk.\n"},
            user=manager,
        )  # fmt: skip
        versions.submit(document.latest_version, user=manager)
    return document.ref


def test_approver_finds_the_document_waiting_and_opens_it(page: Page, demo):
    ref = send_for_approval()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    log_in(page, demo, "approver")
    panel = page.locator("#inbox-panel")
    expect(panel).to_contain_text(f"{ref} Clean desk procedure v1")
    expect(page.locator("#inbox-count")).to_be_visible()
    page.locator("#inbox-link").click()
    expect(page.get_by_role("heading", name="Waiting for me", level=1)).to_be_visible()
    group = page.locator("#inbox-documents-approve")
    group.get_by_role("link", name=f"{ref} Clean desk procedure v1").click()
    expect(page.get_by_role("button", name="Approve v1")).to_be_visible()
    # Any other page fetches the count into the top bar (htmx, CSP-clean).
    expect(page.locator("#inbox-count")).to_be_visible()
    assert not errors, errors
