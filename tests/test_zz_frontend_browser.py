"""Keyboards, small screens, pickers and accessibility in Debian's chromium (collected last).

axe-core is vendored under tests/vendor (test-only: it never ships in the product's pages) and
injected by Playwright into a context that bypasses the CSP for that injection only.
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser import BROWSER_MARKS, log_in

pytestmark = BROWSER_MARKS

AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
OVERFLOWS = "() => document.documentElement.scrollWidth > document.documentElement.clientWidth"
# What sticks out (outside tables, which scroll in their own box): the failure message.
TOO_WIDE = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth
               && !(e.parentElement && e.parentElement.closest('table')))
  .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + e.getBoundingClientRect().right)"""


def main_pages(base: str) -> list[str]:
    """The pages an ISMS manager uses most, list and detail."""
    from openisms.controls.models import Control
    from openisms.documents.models import Document

    control = Control.unscoped.filter(organisation__slug="demo").order_by("order").first()
    document = Document.unscoped.filter(organisation__slug="demo").order_by("ref").first()
    o = f"{base}/o/demo"
    return [
        f"{o}/",
        f"{o}/risk/",
        f"{o}/risk/register/",
        f"{o}/risk/plan/",
        f"{o}/risk/register/new/",
        f"{o}/risk/assets/new/",
        f"{o}/controls/",
        f"{o}/controls/{control.pk}/",
        f"{o}/controls/soa/",
        f"{o}/documents/",
        f"{o}/documents/{document.pk}/",
        f"{o}/documents/new/",
        f"{o}/people/",
        f"{o}/context/issues/",
        f"{o}/context/issues/new/",
        f"{o}/context/parties/",
        f"{o}/context/requirements/",
        f"{o}/context/scope/",
        f"{o}/members/",
    ]


def test_main_pages_have_no_serious_accessibility_violations(browser, demo):
    context = browser.new_context(bypass_csp=True)  # only so that axe can be injected
    page = context.new_page()
    log_in(page, demo, "manager")
    found: dict[str, list[str]] = {}
    for url in main_pages(demo):
        page.goto(url)
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate(
            "async () => (await axe.run(document)).violations"
            ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
            ".map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))"
        )
        if violations:
            found[url.removeprefix(demo)] = violations
    context.close()
    assert not found, "\n".join(f"{u}: {v}" for u, v in found.items())


def test_phone_width_has_no_sideways_scroll_and_a_menu(browser, demo):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    log_in(page, demo, "manager")
    page.goto(f"{demo}/o/demo/")
    nav_links = page.eval_on_selector_all("#sidebar a[href]", "links => links.map(a => a.href)")
    wide: dict[str, list[str]] = {}
    for url in dict.fromkeys(main_pages(demo) + nav_links):  # every navigation link, once
        page.goto(url)
        if page.evaluate(OVERFLOWS):
            wide[url.removeprefix(demo)] = page.evaluate(TOO_WIDE)
    assert not wide, wide

    # The navigation folds behind the menu button; the keyboard opens it.
    page.goto(f"{demo}/o/demo/")
    nav = page.get_by_role("navigation", name="Main navigation")
    menu = page.get_by_role("button", name="Menu")
    expect(nav).to_be_hidden()
    expect(menu).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.keyboard.press("Tab")
    expect(menu).to_be_focused()
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(nav).to_be_visible()
    nav.get_by_role("link", name="Risk register").first.click()
    expect(page.get_by_role("heading", name="Risk register", level=1)).to_be_visible()
    logout = page.get_by_role("button", name="Log out")
    logout.scroll_into_view_if_needed()
    expect(logout).to_be_in_viewport()
    context.close()


def test_pickers_search_and_the_risk_level_shows_while_scoring(page: Page, demo, monkeypatch):
    from openisms.core import forms as core_forms

    monkeypatch.setattr(core_forms, "SEARCH_AFTER", 10)  # the demo's 66 assets count as long
    csp: list[str] = []
    page.on("console", lambda m: csp.append(m.text) if "Content Security" in m.text else None)
    log_in(page, demo, "manager")
    page.goto(f"{demo}/o/demo/risk/register/new/")
    preview = page.locator("#inherent-preview")
    expect(preview).to_have_text("not scored")
    page.get_by_label("Inherent likelihood").select_option(label="4 · Likely")
    page.get_by_label("Inherent impact").select_option(label="4 · Major")
    expect(preview).to_contain_text("High")  # unsaved: computed from the method in force
    page.get_by_label("Residual likelihood").select_option(label="1 · Rare")
    page.get_by_label("Residual impact").select_option(label="2 · Minor")
    expect(page.locator("#residual-preview")).to_contain_text("Low")
    page.get_by_label("Residual likelihood").select_option(value="")  # no treatment decided yet
    page.get_by_label("Residual impact").select_option(value="")
    expect(page.locator("#residual-preview")).to_have_text("not scored")

    # Controls: type to search, pick with the keyboard; the plain select underneath follows.
    controls = page.get_by_role("combobox", name="Annex A controls")
    controls.press_sequentially("cryptog")
    listbox = page.get_by_role("listbox", name="Annex A controls")
    expect(listbox.get_by_role("option")).to_have_text(["A.8.24 Use of cryptography"])
    page.keyboard.press("Enter")
    expect(page.locator("select#id_controls option:checked")).to_have_text(
        "A.8.24 Use of cryptography"
    )
    # Assets: a long list, searched on the server as the user types.
    assets = page.get_by_role("combobox", name="Assets")
    assets.press_sequentially("signing")
    found = page.get_by_role("listbox", name="Assets").get_by_role("option")
    expect(found).to_have_count(1)
    expect(found).to_contain_text("Firmware signing keys")
    page.keyboard.press("Enter")
    page.get_by_label("Title").fill("Picked with a search")
    page.get_by_role("button", name="Record risk").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Picked with a search")
    expect(page.get_by_role("main")).to_contain_text("A.8.24")
    expect(page.get_by_role("main")).to_contain_text("Firmware signing keys")

    # A form htmx swaps in gets its pickers too (htmx:load).
    from openisms.controls.models import Control

    control = Control.unscoped.get(organisation__slug="demo", ref="A.8.24")
    page.goto(f"{demo}/o/demo/controls/{control.pk}/")
    decision = page.locator("#decision")
    expect(decision.locator(".ts-wrapper")).to_have_count(1)
    with page.expect_response(lambda r: r.url.endswith("/decide/")):
        decision.get_by_role("button", name="Save decision").click()
    expect(page.locator("#decision select.tomselected")).to_have_count(1)
    expect(page.locator("#decision .ts-wrapper")).to_have_count(1)
    assert not csp, csp
