"""The issue's main path for controls in Debian's chromium (collected last: it flushes the DB):
the manager decides a control's applicability and marks it implemented, the validation panel
lists it as implemented without evidence, evidence is attached, the finding goes away, and the
approved SoA downloads as XLSX with all 93 controls."""

from __future__ import annotations

import io
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser import BROWSER_MARKS, log_in

pytestmark = BROWSER_MARKS


def a_planned_control() -> tuple[str, str]:
    from openisms.controls.models import Control
    from openisms.core.context import org_context
    from openisms.core.models import Organisation
    from openisms.risk.models import TreatmentAction
    from openisms.risk.models.treatment import OPEN_ACTION_STATUSES

    with org_context(Organisation.objects.get(slug="demo")):
        control = Control.objects.filter(status="planned", evidence=None).order_by("order").first()
        # Its treatment actions are done first: implemented with open actions is a finding too.
        TreatmentAction.objects.filter(
            control_id=control.requirement_id, status__in=OPEN_ACTION_STATUSES
        ).update(status="done")
        return str(control.pk), control.ref


def test_decide_attach_evidence_validate_and_download(page: Page, demo):
    from openpyxl import load_workbook

    control_id, ref = a_planned_control()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    log_in(page, demo, "manager")

    page.goto(f"{demo}/o/demo/controls/{control_id}/")
    decision = page.locator("#decision")
    decision.get_by_label("Applicable").select_option("yes")
    decision.get_by_label("Business need").fill("Our customers' contracts require it.")
    decision.get_by_role("button", name="Save decision").click()
    expect(page.locator("#decision")).to_contain_text("Our customers' contracts require it.")
    implementation = page.locator("#implementation")
    implementation.get_by_label("Status").select_option("implemented")
    implementation.get_by_label("How it is implemented").fill("Rolled out to every site.")
    implementation.get_by_role("button", name="Save").first.click()
    expect(page.locator("#implementation")).to_contain_text("Rolled out to every site.")

    page.goto(f"{demo}/o/demo/controls/validation/")
    expect(page.get_by_role("link", name=ref, exact=False).first).to_be_visible()

    page.goto(f"{demo}/o/demo/controls/{control_id}/")
    page.get_by_role("link", name="Write a note").click()
    page.get_by_label("Title").fill(f"{ref}: rollout record")
    page.get_by_label("Note", exact=False).first.fill("Checked on site: in place at all sites.")
    page.get_by_role("button", name="Add the evidence").click()
    expect(page.get_by_text(f"{ref}: rollout record").first).to_be_visible()

    page.goto(f"{demo}/o/demo/controls/validation/")
    expect(page.locator("main")).not_to_contain_text(f"{ref} ")

    page.goto(f"{demo}/o/demo/controls/soa/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="XLSX", exact=True).first.click()
    path = download_info.value.path()
    book = load_workbook(io.BytesIO(Path(path).read_bytes()), read_only=True)
    cells = {str(c) for row in book.active.iter_rows(values_only=True) for c in row if c}
    assert sum(1 for c in cells if c.startswith(("A.5.", "A.6.", "A.7.", "A.8."))) >= 93
    assert not errors, errors
