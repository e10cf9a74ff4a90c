"""Imports carry acceptances: an accepted risk comes in accepted, marked as imported (who and when
as the file says) and flagged for re-confirmation; export → import → export gives the same
register."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from openisms.core.context import org_context
from openisms.core.permissions import Role
from openisms.core.services.organisations import set_membership
from openisms.core.services.tokens import issue_token
from openisms.risk.io import exporter
from openisms.risk.io.importer import run_import
from openisms.risk.io.reader import read_table
from openisms.risk.models import Risk, RiskStatus
from openisms.risk.services.risks import accept_risk, update_risk
from tests.conftest import login, make_org
from tests.test_risk_exports_auditor import as_tests, seed, split

pytestmark = pytest.mark.django_db


def export(org, kind: str, fmt: str) -> bytes:
    with org_context(org):
        return exporter.to_xlsx(kind) if fmt == "xlsx" else exporter.to_csv(kind)


def imp(org, kind: str, name: str, data: bytes, **kw):
    with as_tests(), org_context(org):
        return run_import(kind, read_table(name, data), **kw)


def join(org, members: dict) -> None:
    """The same people, members of ``org`` too (users are install-wide)."""
    with as_tests():
        for role, user in members.items():
            set_membership(org, user, role)


def csv_file(rows: list[list]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def register_rows(org) -> list[list[str]]:
    text = export(org, "risks", "csv").decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_import_export_gives_the_same_register(org_a, members_a, org_b, fmt):
    seed(org_a, members_a)
    join(org_b, members_a)
    files = {kind: export(org_a, kind, fmt) for kind in ("assets", "risks")}
    for kind in ("assets", "risks"):  # the export's own headers, header block and all
        report = imp(org_b, kind, f"{kind}.{fmt}", files[kind], dry_run=False)
        assert report.ok, report.errors
    assert export(org_b, "risks", "csv") == export(org_a, "risks", "csv")  # refs kept too
    assert split(export(org_b, "risks", "xlsx"))[1] == split(export(org_a, "risks", "xlsx"))[1]
    with org_context(org_a):
        signed = Risk.objects.get(title="Office flood")
    with org_context(org_b):
        risk = Risk.objects.get(title="Office flood")
        assert risk.ref == signed.ref and risk.status == RiskStatus.ACCEPTED
        assert risk.acceptance_imported and risk.imported_accepted_by == "Alice Approver"
        assert risk.imported_accepted_role == "Approver (top management)"
        assert risk.imported_acceptance_comment == "Insured; within appetite"
        assert risk.accepted_at == signed.accepted_at.replace(second=0, microsecond=0)
        assert Risk.objects.filter(acceptance_imported=True).count() == 1
    block = split(export(org_b, "risks", "xlsx"))[0]
    assert block["Acceptances imported, to re-confirm"] == 1
    # And once more, from the imported register into a third organisation.
    charlie = make_org("charlie")
    join(charlie, members_a)
    for kind in ("assets", "risks"):
        assert imp(charlie, kind, f"{kind}.{fmt}", export(org_b, kind, fmt), dry_run=False).ok
    assert register_rows(charlie) == register_rows(org_a)
    # Importing the same file again changes nothing: the acceptance is already there.
    again = imp(org_b, "risks", f"risks.{fmt}", files["risks"], dry_run=False)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


def test_acceptance_from_another_tool_by_free_text_name(org_a, members_a):
    seed(org_a, members_a)
    data = csv_file([
        ["Title", "Risk owner", "Inherent likelihood", "Inherent impact", "Residual likelihood",
         "Residual impact", "Status", "Accepted by", "Acceptance role", "Accepted at",
         "Acceptance comment"],
        ["Supplier outage", "carl contributor", 3, 3, 2, 2, "Residual risk accepted",
         "Jane Doe (former CFO)", "CFO", "2025-03-01", "Board minute 12"],
        ["Key person leaves", "a-contributor@example.test", 3, 3, 2, 2, "accepted",
         "", "", "2025-04-02 09:30 UTC", ""],
        ["Not accepted", "", 2, 2, "", "", "assessed", "Somebody", "", "2025-01-01", ""],
    ])  # fmt: skip
    report = imp(org_a, "risks", "other-tool.csv", data, dry_run=False)
    assert report.ok, report.errors
    with org_context(org_a):
        supplier = Risk.objects.get(title="Supplier outage")
        assert supplier.owner.user == members_a[Role.CONTRIBUTOR]  # by full name
        assert supplier.status == RiskStatus.ACCEPTED and supplier.acceptance_imported
        assert supplier.imported_accepted_by == "Jane Doe (former CFO)"
        assert supplier.imported_accepted_role == "CFO"
        assert supplier.accepted_at == dt.datetime(2025, 3, 1, tzinfo=dt.UTC)
        key = Risk.objects.get(title="Key person leaves")
        assert key.owner.user == members_a[Role.CONTRIBUTOR]  # by e-mail address
        assert key.acceptance_imported and key.accepted_at == dt.datetime(
            2025, 4, 2, 9, 30, tzinfo=dt.UTC
        )
        plain = Risk.objects.get(title="Not accepted")
        assert plain.status == RiskStatus.ASSESSED and not plain.acceptance_imported
        assert plain.imported_accepted_by == ""  # acceptance columns of other rows: ignored
    rows = {r[2]: r for r in register_rows(org_a)}
    assert rows["Supplier outage"][-4:] == [
        "Jane Doe (former CFO)", "CFO", "2025-03-01 00:00 UTC", "Board minute 12"
    ]  # fmt: skip


def test_dry_run_with_acceptances_is_all_or_nothing(org_a, members_a):
    seed(org_a, members_a)
    with org_context(org_a):
        before = list(Risk.objects.values_list("ref", "status", "acceptance_imported"))
    good = ["Supplier outage", 3, 3, 2, 2, "accepted", "Jane Doe", "2025-03-01"]
    header = ["title", "inherent_likelihood", "inherent_impact", "residual_likelihood",
              "residual_impact", "status", "accepted_by", "accepted_at"]  # fmt: skip
    dry = imp(org_a, "risks", "r.csv", csv_file([header, good]), dry_run=True)
    assert dry.ok and dry.created == 1 and not dry.done
    bad = ["Broken", 3, 3, 2, 2, "accepted", "Jane Doe", "March 2025"]
    report = imp(org_a, "risks", "r.csv", csv_file([header, good, bad]), dry_run=False)
    assert not report.done and {e["row"] for e in report.errors} == {3}
    assert "2026-03-31 14:05 UTC" in report.errors[0]["message"]
    # An existing risk turned accepted by the file counts as updated, and only when confirmed.
    turn = csv_file([["ref", "status", "accepted_by"], ["R-0001", "accepted", "Jane Doe"]])
    assert imp(org_a, "risks", "t.csv", turn, dry_run=True).updated == 1
    with org_context(org_a):
        assert list(Risk.objects.values_list("ref", "status", "acceptance_imported")) == before


def test_reconfirming_or_rescoring_clears_the_flag(org_a, members_a):
    seed(org_a, members_a)
    data = csv_file([
        ["Title", "Residual likelihood", "Residual impact", "Inherent likelihood",
         "Inherent impact", "Status", "Accepted by"],
        ["Supplier outage", 2, 2, 3, 3, "accepted", "Jane Doe"],
        ["Key person leaves", 2, 2, 3, 3, "accepted", "Jane Doe"],
    ])  # fmt: skip
    assert imp(org_a, "risks", "r.csv", data, dry_run=False).ok
    with as_tests(), org_context(org_a):
        supplier = Risk.objects.get(title="Supplier outage")
        accept_risk(supplier, user=members_a[Role.APPROVER], comment="Re-confirmed")
        supplier.refresh_from_db()
        assert not supplier.acceptance_imported and supplier.imported_accepted_by == ""
        key = Risk.objects.get(title="Key person leaves")
        update_risk(key, {"residual_impact": 1})
        key.refresh_from_db()
        assert key.status == RiskStatus.ASSESSED and not key.acceptance_imported
    rows = {r[2]: r for r in register_rows(org_a)}
    assert rows["Supplier outage"][-4:-2] == ["Alice Approver", "Approver (top management)"]
    assert rows["Supplier outage"][-1] == "Re-confirmed"


def test_web_import_and_api_show_the_imported_acceptance(org_a, members_a):
    seed(org_a, members_a)
    client = login(members_a[Role.ISMS_MANAGER])
    upload = reverse("core:risk:import_upload", args=["alpha", "risks"])
    data = csv_file([
        ["Title", "Inherent likelihood", "Inherent impact", "Residual likelihood",
         "Residual impact", "Status", "Accepted by", "Accepted at"],
        ["Supplier outage", 3, 3, 2, 2, "Residual risk accepted", "Jane Doe", "2025-03-01"],
    ])  # fmt: skip
    response = client.post(upload, {"file": SimpleUploadedFile("r.csv", data)})
    assert response.status_code == 302
    with org_context(org_a):
        risk = Risk.objects.get(title="Supplier outage")
    assert risk.acceptance_imported
    from django.test import Client

    token = issue_token(members_a[Role.AUDITOR], org_a, "tests")[1]
    api = Client(headers={"Authorization": f"Bearer {token}"})
    body = api.get(f"/api/v1/risk/risks/{risk.pk}").json()
    assert body["acceptance_imported"] is True and body["imported_accepted_by"] == "Jane Doe"
    assert body["status"] == "accepted"


def test_risk_page_says_the_acceptance_was_imported(org_a, members_a):
    seed(org_a, members_a)
    data = csv_file([
        ["Title", "Inherent likelihood", "Inherent impact", "Residual likelihood",
         "Residual impact", "Status", "Accepted by", "Acceptance role", "Accepted at"],
        ["Supplier outage", 3, 3, 2, 2, "accepted", "Jane Doe", "CFO", "2025-03-01"],
    ])  # fmt: skip
    assert imp(org_a, "risks", "r.csv", data, dry_run=False).ok
    with org_context(org_a):
        risk = Risk.objects.get(title="Supplier outage")
    page = login(members_a[Role.APPROVER]).get(
        reverse("core:risk:risk_detail", args=["alpha", risk.pk])
    )
    body = page.content.decode()
    assert "Accepted in an imported file by Jane Doe (CFO) on 1 Mar 2025" in body
    assert "must re-confirm it" in body and 'name="comment"' in body  # the form to re-confirm


def test_demo_register_round_trip():
    """The demo's register (accepted risks signed by top management included) moves to another
    organisation and exports the same."""
    from openisms.core.demo import ensure_demo
    from openisms.core.models import Membership

    demo = ensure_demo().organisation
    copy = make_org("copy")
    with as_tests():
        for membership in Membership.objects.filter(organisation=demo).select_related("user"):
            set_membership(copy, membership.user, membership.role)
    files = {kind: export(demo, kind, "xlsx") for kind in ("assets", "risks")}
    for kind in ("assets", "risks"):
        # Staff without a login own records in the demo: they come in as new people.
        report = imp(
            copy, kind, f"{kind}.xlsx", files[kind], dry_run=False, mapping={"owners:*": "create"}
        )
        assert report.ok, report.errors[:5]
    assert export(copy, "risks", "csv") == export(demo, "risks", "csv")
    with org_context(demo):
        accepted = Risk.objects.filter(status=RiskStatus.ACCEPTED).count()
    with org_context(copy):
        assert accepted and Risk.objects.filter(acceptance_imported=True).count() == accepted
