"""The issue's main path in Debian's chromium (collected last: it flushes the DB): the manager
starts a policy from a template and sends it for approval, the approver approves it, the manager
publishes it asking all staff to acknowledge it, the viewer reads and acknowledges it, and the
manager sees the acknowledgement."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser import BROWSER_MARKS, log_in

pytestmark = BROWSER_MARKS


def switch_user(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    log_in(page, base, username)


def ensure_viewer_person() -> None:
    """The people builder links a Person to every demo user; make sure, whatever its state."""
    from django.contrib.auth import get_user_model

    from openisms.core.context import Actor, acting_as, org_context
    from openisms.core.models import Organisation
    from openisms.people.models import Person

    with (
        org_context(Organisation.objects.get(slug="demo")),
        acting_as(Actor(user_id=None, label="browser test")),
    ):
        viewer = get_user_model().objects.get(username="viewer")
        if not Person.objects.filter(user=viewer).exists():
            Person.objects.create(full_name="Val Viewer", user=viewer)


def test_policy_from_template_to_acknowledgement(page: Page, demo):
    from openisms.documents import policy_templates

    ensure_viewer_person()
    templates = {t.key: t for t in policy_templates.all_templates()}
    template = templates.get("access-control") or next(iter(templates.values()))
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    # The manager starts the policy from the template and sends it for approval.
    log_in(page, demo, "manager")
    page.get_by_role("link", name="Documents", exact=True).click()
    expect(page.get_by_role("heading", name="Documents", level=1)).to_be_visible()
    page.get_by_role("link", name="New document").click()
    page.get_by_label(template.title, exact=True).check()
    page.get_by_role("button", name="Create from the template").click()
    expect(page.locator("#page-title")).to_contain_text(template.title)
    expect(page.locator("#latest-status")).to_have_text("Draft")
    expect(page.locator("#document-content")).to_contain_text("Demo Manufacturing Ltd")
    ref = page.locator("#page-title .ref").inner_text()
    url = page.url
    page.get_by_role("button", name="Send for approval").click()
    expect(page.locator("#latest-status")).to_have_text("In review")
    # The author is not offered the approval.
    expect(page.get_by_role("button", name="Approve v1")).to_have_count(0)

    # Top management approves it.
    switch_user(page, demo, "approver")
    page.goto(url)
    page.get_by_label("Comment (optional)").fill("Reviewed at the board meeting.")
    page.get_by_role("button", name="Approve v1").click()
    expect(page.locator("#latest-status")).to_have_text("Approved")

    # The manager publishes it and asks all staff to read and acknowledge it.
    switch_user(page, demo, "manager")
    page.goto(url)
    page.get_by_label("Ask to read and acknowledge").select_option("all")
    page.get_by_role("button", name="Publish v1").click()
    expect(page.locator(".messages")).to_contain_text("published and in force")
    expect(page.locator("#document-status")).to_have_text("Published")
    expect(page.locator("#version-in-force")).to_contain_text("v1")
    progress = page.locator("#ack-progress")
    expect(progress).to_contain_text(re.compile(r"0 of \d+"))
    total = re.search(r"0 of (\d+)", progress.inner_text()).group(1)

    # Staff read it and acknowledge it.
    switch_user(page, demo, "viewer")
    page.get_by_role("link", name="To read & acknowledge").click()
    row = page.locator("#to-read tbody tr").filter(has_text=ref)
    expect(row).to_have_count(1)
    row.get_by_role("link", name=re.compile(ref)).click()
    expect(page.locator("#page-title")).to_contain_text(template.title)
    page.get_by_role("button", name="I have read and understood").click()
    expect(page.locator(".messages")).to_contain_text("you acknowledged")
    expect(page.locator("#to-read tbody tr").filter(has_text=ref)).to_have_count(0)

    # The manager sees the acknowledgement.
    switch_user(page, demo, "manager")
    page.goto(url)
    expect(page.locator("#ack-progress")).to_contain_text(f"1 of {total}")
    assert not [e for e in errors if "Content Security Policy" in e], errors
