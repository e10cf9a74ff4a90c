"""SoA versions: rows from live data, freeze/approve/reject/supersede, diff, exports, CLI,
checklist."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from openisms.catalogue.models import Requirement
from openisms.context.models import Obligation
from openisms.controls import soa_exports
from openisms.controls.models import Control, SoaStatus, SoaVersion
from openisms.controls.services import soa as svc
from openisms.controls.soa_rows import build_rows
from openisms.core.context import Actor, acting_as, org_context
from openisms.core.models.sequence import next_ref
from openisms.risk.models import Risk

pytestmark = pytest.mark.django_db


def decide_all(reason: str = "Needed for our services.") -> None:
    Control.objects.update(applicable=True, business_need=reason)


def freeze_as(user, note: str = "") -> SoaVersion:
    with acting_as(Actor(user_id=user.pk, label=user.username)):
        return svc.freeze(user=user, note=note)


def make_risk(org, title: str, *refs: str) -> Risk:
    risk = Risk.objects.create(organisation=org, ref=next_ref(org, "R"), title=title)
    risk.controls.set(Requirement.objects.filter(framework__slug="iso27001-2022", ref__in=refs))
    return risk


@pytest.fixture
def manager(members_a):
    return members_a["isms_manager"]


@pytest.fixture
def approver(members_a):
    return members_a["approver"]


def test_rows_cover_93_controls_with_live_justification(org_a, manager):
    with org_context(org_a):
        rows = build_rows()
        assert len(rows) == 93 and rows[0]["ref"] == "A.5.1"
        assert {r["applicable"] for r in rows} == {"undecided"}
        for n in range(12):
            make_risk(org_a, f"Risk {n}", "A.5.1")
        obligation = Obligation.objects.create(
            organisation=org_a, ref=next_ref(org_a, "OBL"), title="GDPR", source="law"
        )
        control = Control.objects.get(ref="A.5.1")
        control.applicable = True
        control.save()
        control.obligations.add(obligation)
        Control.objects.filter(ref="A.5.2").update(
            applicable=False, exclusion_justification="No such function here."
        )
        rows = {r["ref"]: r for r in build_rows()}
    first = rows["A.5.1"]
    assert first["risk_count"] == 12 and len(first["risks"]) == 10
    assert "Treats 12 risk(s)" in first["justification"] and "and 2 more" in first["justification"]
    assert "GDPR" in first["justification"]
    assert rows["A.5.2"]["justification"] == "No such function here."


def test_rows_take_constant_queries(org_a, django_assert_max_num_queries):
    with org_context(org_a):
        build_rows()
        for n in range(30):
            make_risk(org_a, f"Risk {n}", "A.5.1", "A.8.8")
        own = Control.objects.create(organisation=org_a, ref="C-001", title="Own", order=10_000)
        own.maps_to.set(Requirement.objects.filter(ref__in=["A.5.1", "A.8.8"]))
        with django_assert_max_num_queries(12):
            rows = build_rows()
    assert rows[-1]["ref"] == "C-001" and rows[-1]["risk_count"] == 30


def test_freeze_refused_while_undecided(org_a, manager):
    with org_context(org_a):
        with pytest.raises(ValidationError, match="no applicability decision"):
            freeze_as(manager)
        decide_all()
        Control.objects.filter(ref="A.7.1").update(applicable=False, exclusion_justification="")
        with pytest.raises(ValidationError, match="Excluded without a justification: A.7.1"):
            freeze_as(manager)
        assert not SoaVersion.objects.exists()


def test_freeze_approve_supersede_and_immutability(org_a, manager, approver):
    with org_context(org_a):
        decide_all()
        v1 = freeze_as(manager, "first")
        assert v1.number == 1 and v1.status == SoaStatus.FROZEN and len(v1.rows) == 93
        assert v1.content_hash == svc.hash_of(v1.rows, v1.header)
        with pytest.raises(ValidationError, match="may not approve"):
            svc.approve(v1, approver=manager, role="isms_manager")
        with acting_as(Actor(user_id=approver.pk, label="approver")):
            svc.approve(v1, approver=approver, role="approver")
        v1.refresh_from_db()
        assert v1.status == SoaStatus.APPROVED and v1.approved_by == approver
        frozen_rows = [dict(r) for r in v1.rows]
        # Live changes never reach a frozen version.
        Control.objects.filter(ref="A.5.1").update(implementation="Changed later", status="planned")
        v1.refresh_from_db()
        assert v1.rows == frozen_rows
        v2 = freeze_as(manager)
        with acting_as(Actor(user_id=approver.pk, label="approver")):
            svc.approve(v2, approver=approver, role="approver")
        v1.refresh_from_db()
        v2.refresh_from_db()
        assert v1.status == SoaStatus.SUPERSEDED and v2.status == SoaStatus.APPROVED
        assert svc.approved() == v2
        with pytest.raises(ValidationError, match="only a frozen version"):
            svc.approve(v2, approver=approver, role="approver")


def test_author_cannot_approve_own_freeze(org_a, members_a):
    owner = members_a["owner"]
    with org_context(org_a):
        decide_all()
        version = freeze_as(owner)
        acting = acting_as(Actor(user_id=owner.pk, label="owner"))
        with acting, pytest.raises(ValidationError, match="segregation of duties"):
            svc.approve(version, approver=owner, role="owner")


def test_reject_needs_reason(org_a, manager, approver):
    with org_context(org_a):
        decide_all()
        version = freeze_as(manager)
        with acting_as(Actor(user_id=approver.pk, label="approver")):
            with pytest.raises(ValidationError, match="Say why"):
                svc.reject(version, approver=approver, role="approver", comment="")
            svc.reject(version, approver=approver, role="approver", comment="Incomplete")
        version.refresh_from_db()
        assert version.status == SoaStatus.REJECTED
        assert svc.default_version() == version


def test_diff_between_versions_and_live(org_a, manager, approver):
    with org_context(org_a):
        decide_all()
        v1 = freeze_as(manager)
        with acting_as(Actor(user_id=approver.pk, label="approver")):
            svc.approve(v1, approver=approver, role="approver")
        Control.objects.filter(ref="A.5.3").update(status="implemented")
        Control.objects.create(
            organisation=org_a, ref="C-001", title="Own", order=10_000, applicable=True
        )
        base, changes = svc.live_diff()
        assert base == v1
        assert [c["ref"] for c in changes["changed"]] == ["A.5.3"]
        assert changes["changed"][0]["fields"][0]["field"] == "status"
        assert changes["added"] == [{"ref": "C-001", "title": "Own"}]
        v2 = freeze_as(manager)
        changes = svc.diff(v2.rows, v1.rows)
        assert changes["removed"] == [{"ref": "C-001", "title": "Own"}]


# --- exports ----------------------------------------------------------------------------------


def _approved(org, manager, approver) -> SoaVersion:
    with org_context(org):
        decide_all("Needed = formula?")
        version = freeze_as(manager)
        with acting_as(Actor(user_id=approver.pk, label="approver")):
            svc.approve(version, approver=approver, role="approver")
        return version


def _xlsx_rows(content: bytes) -> list[tuple]:
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(content)).active
    return list(sheet.iter_rows(values_only=True))


def test_xlsx_has_header_block_and_all_93_controls(org_a, manager, approver):
    _approved(org_a, manager, approver)
    with org_context(org_a):
        data = soa_exports.pick()
        content = soa_exports.render(data, "xlsx")
    rows = _xlsx_rows(content)
    facts = {r[0]: r[1] for r in rows[:8] if r and r[0]}
    assert facts["Organisation"] == "Alpha Ltd" and facts["Version"] == "v1"
    assert facts["Status"] == "Approved" and facts["Approved by"].startswith("a-approver")
    header_at = next(i for i, r in enumerate(rows) if r and r[0] == "Ref")
    body = [r for r in rows[header_at + 1 :] if r and r[0]]
    assert len(body) == 93
    assert {r[0] for r in body} >= {"A.5.1", "A.8.34"}
    assert all(r[3] == "yes" for r in body)


def test_docx_has_all_93_controls(org_a, manager, approver):
    from docx import Document

    _approved(org_a, manager, approver)
    with org_context(org_a):
        content = soa_exports.render(soa_exports.pick(1), "docx")
    doc = Document(io.BytesIO(content))
    facts, grid = doc.tables
    assert any(c.text == "Alpha Ltd" for row in facts.rows for c in row.cells)
    refs = [row.cells[0].text for row in grid.rows[1:]]
    assert len(refs) == 93 and refs[0] == "A.5.1" and refs[-1] == "A.8.34"
    assert doc.sections[0].page_width > doc.sections[0].page_height  # landscape


def test_pdf_has_all_93_controls(org_a, manager, approver, tmp_path):
    _approved(org_a, manager, approver)
    with org_context(org_a):
        data = soa_exports.pick()
        html = soa_exports.render_html(data)
        content = soa_exports.render(data, "pdf")
    assert content.startswith(b"%PDF-") and len(content) > 10_000
    assert html.count('<tr><td class="ref">A.') == 93
    if shutil.which("pdftotext") or shutil.os.path.exists("/usr/bin/pdftotext"):
        pdf = tmp_path / "soa.pdf"
        pdf.write_bytes(content)
        text = subprocess.run(
            ["/usr/bin/pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True
        ).stdout.decode()
        refs = {line.split()[0] for line in text.splitlines() if line.strip().startswith("A.")}
        assert len({r for r in refs if r.count(".") == 2}) == 93
        assert "Page 1 of" in text


def test_draft_export_and_missing_version(org_a, manager):
    with org_context(org_a):
        with pytest.raises(soa_exports.ExportError, match="No SoA version"):
            soa_exports.pick()
        data = soa_exports.pick(draft=True)
        assert data.version_label == "Draft" and len(data.rows) == 93
        with pytest.raises(soa_exports.ExportError, match="no SoA version 4"):
            soa_exports.pick(4)


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("export", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_cli_exports_each_format(org_a, manager, approver, tmp_path):
    _approved(org_a, manager, approver)
    for fmt in ("xlsx", "docx", "pdf"):
        target = tmp_path / f"soa.{fmt}"
        said = _run("soa", "--org", "alpha", "--format", fmt, "--output", str(target))
        assert "SoA v1 (Approved, 93 controls)" in said
        assert target.stat().st_size > 1000
    target = tmp_path / "v1.xlsx"
    _run("soa", "--org", "alpha", "--format", "xlsx", "--version", "1", "--output", str(target))
    assert (
        len([r for r in _xlsx_rows(target.read_bytes()) if r and str(r[0]).startswith("A.")]) == 93
    )
    with pytest.raises(CommandError, match="no SoA version 9"):
        _run("soa", "--org", "alpha", "--format", "xlsx", "--version", "9", "--output",
             str(tmp_path / "x.xlsx"))  # fmt: skip


def test_checklist_provider(org_a, manager, approver):
    from openisms.documents.checklist import evaluate

    def soa_item():
        with org_context(org_a):
            return next(r for r in evaluate() if r.key == "soa")

    assert soa_item().status == "missing"
    with org_context(org_a):
        decide_all()
        version = freeze_as(manager)
    item = soa_item()
    assert item.status == "draft" and item.reference == "SoA v1"
    with org_context(org_a), acting_as(Actor(user_id=approver.pk, label="approver")):
        svc.approve(version, approver=approver, role="approver")
    item = soa_item()
    assert item.status == "approved" and item.reference == "SoA v1"


def test_other_findings_warn_but_do_not_block(org_a, manager):
    with org_context(org_a):
        decide_all()
        Control.objects.filter(ref="A.5.1").update(status="implemented")
        blocking, warnings = svc.findings(build_rows())
        assert blocking == []
        assert any("A.5.1" in w and "evidence" in w.lower() for w in warnings), warnings
        assert freeze_as(manager).number == 1
