"""Every navigation page in Debian's chromium, as the manager (who sees the most) and the viewer:
no console error, no uncaught exception, no CSP violation (issue 10: no inline styles or scripts
anywhere). Then "Save decision" answers in place, still without a violation."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser import BROWSER_MARKS, log_in
from tests.crawl import is_download, links_in, shape

pytestmark = BROWSER_MARKS
PREFIX = "/o/demo/"
LISTENER = Path(__file__).with_name("csp_listener.js")


def watch(page: Page) -> list[str]:
    problems: list[str] = []
    page.add_init_script(path=str(LISTENER))
    page.on(
        "console",
        lambda m: problems.append(f"{page.url}: console {m.text}") if m.type == "error" else None,
    )
    page.on("pageerror", lambda exc: problems.append(f"{page.url}: {exc}"))
    return problems


def violations(page: Page) -> list[str]:
    return [f"{page.url}: {v}" for v in page.evaluate("window.__cspViolations || []")]


def visit(page: Page, base: str, urls: list[str], problems: list[str]) -> list[str]:
    """Open each page, note its violations; answer the first link of each new shape on them
    (the detail pages one level down)."""
    seen = {shape(u) for u in urls}
    deeper = []
    for url in urls:
        response = page.goto(base + url)
        assert response is not None and response.status < 400, url
        problems += violations(page)
        for link in links_in(page.content(), url.split("?")[0], PREFIX):
            if shape(link) not in seen and not is_download(link):
                seen.add(shape(link))
                deeper.append(link)
    return deeper


def navigation_pages(page: Page, base: str) -> list[str]:
    page.goto(f"{base}{PREFIX}")
    links = dict.fromkeys(links_in(page.content(), PREFIX, PREFIX))
    return [PREFIX] + [u for u in links if u != PREFIX and not is_download(u)]


def test_pages_are_clean_and_save_answers_in_place(browser, demo):
    """One test, so the demo is built once: the manager's navigation and detail pages, the
    viewer's navigation pages, then the manager saves a control's decision and implementation."""
    from openisms.controls.models import Control
    from openisms.core.context import org_context
    from openisms.core.models import Organisation

    problems: list[str] = []
    for username in ("manager", "viewer"):
        page = browser.new_page()
        problems += watch(page)
        log_in(page, demo, username)
        pages = navigation_pages(page, demo)
        assert len(pages) > 20, username
        details = visit(page, demo, pages, problems)
        if username == "manager":
            assert len(details) > 20
            visit(page, demo, details, problems)
        if username == "manager":
            manager = page
        else:
            page.close()

    with org_context(Organisation.objects.get(slug="demo")):
        control = Control.objects.filter(applicable=True).order_by("order").first()
    page = manager
    page.goto(f"{demo}/o/demo/controls/{control.pk}/")
    decision = page.locator("#decision")
    # An error first: it appears next to its field, in the section, nothing else reloads.
    decision.get_by_label("Applicable").select_option("no")
    decision.get_by_label("Exclusion justification").fill("")
    decision.get_by_role("button", name="Save decision").click()
    expect(page.locator("#decision .errorlist")).to_contain_text("Say why the control is excluded")
    decision = page.locator("#decision")
    decision.get_by_label("Applicable").select_option("yes")
    decision.get_by_label("Business need").fill("Contracts require it.")
    decision.get_by_role("button", name="Save decision").click()
    expect(page.locator("#decision .inplace-message")).to_have_text(
        f"Decision on {control.ref} saved."
    )
    implementation = page.locator("#implementation")
    implementation.get_by_role("button", name="Save implementation").click()
    expect(page.locator("#implementation .inplace-message")).to_contain_text("saved")
    problems += violations(page)
    # The message was said where the manager acted, not kept for the next page.
    page.goto(f"{demo}/o/demo/controls/")
    expect(page.get_by_text(f"Decision on {control.ref} saved.")).to_have_count(0)
    problems += violations(page)
    page.close()
    assert problems == [], "\n".join(problems)
