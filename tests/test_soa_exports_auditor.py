"""What an auditor reads in the exports: the SoA header block in XLSX, DOCX and PDF; page x of y,
repeated header rows, column widths and landscape in the DOCX; wrapping, print titles, landscape
fit-to-width and the filter in every table XLSX; DRAFT marking of anything but the approved (in
force) version, in SoA and document exports; a LibreOffice round trip when soffice is there."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import subprocess
import zipfile

import pytest
from django.utils import timezone

from openisms.context.models import ScopeStatus, ScopeVersion
from openisms.controls import soa_exports
from openisms.controls.models import SoaVersion
from openisms.controls.services import soa as svc
from openisms.core.context import Actor, acting_as, org_context
from openisms.core.exports import DRAFT_MARK, table_xlsx
from openisms.documents import exports as doc_exports
from tests.test_controls_soa import decide_all, freeze_as
from tests.test_documents_exports import _margin_texts, make_document

pytestmark = pytest.mark.django_db
FROZEN_AT = dt.datetime(2025, 3, 4, 9, 30, tzinfo=dt.UTC)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture
def people(members_a):
    manager, approver = members_a["isms_manager"], members_a["approver"]
    manager.first_name, manager.last_name = "Mia", "Manager"
    manager.save()
    approver.first_name, approver.last_name = "Alex", "Approver"
    approver.save()
    return manager, approver


def _approve(version: SoaVersion, approver) -> None:
    with acting_as(Actor(user_id=approver.pk, label="approver")):
        svc.approve(version, approver=approver, role="approver")
    version.refresh_from_db()


@pytest.fixture
def versions(org_a, people):
    """v1 approved then superseded, v2 approved (in force), v3 frozen (awaiting approval)."""
    manager, approver = people
    with org_context(org_a):
        ScopeVersion.objects.create(
            organisation=org_a, number=2, status=ScopeStatus.APPROVED, statement="All of it.",
            approved_at=dt.datetime(2025, 1, 15, 12, tzinfo=dt.UTC),
        )  # fmt: skip
        decide_all()
        v1 = freeze_as(manager)
        _approve(v1, approver)
        v2 = freeze_as(manager)
        SoaVersion.objects.filter(pk=v2.pk).update(frozen_at=FROZEN_AT)
        _approve(v2, approver)
        v3 = freeze_as(manager)
        v1.refresh_from_db()
    return v1, v2, v3


def _export(org, fmt: str, number: int | None = None, draft: bool = False):
    with org_context(org):
        data = soa_exports.pick(number, draft=draft)
        return data, soa_exports.render(data, fmt)


def _xlsx(content: bytes):
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content))
    return book, book.active, list(book.active.iter_rows(values_only=True))


def _docx(content: bytes):
    import docx

    return docx.Document(io.BytesIO(content))


def _header_xml(doc) -> str:
    from lxml import etree

    return etree.tostring(doc.sections[0].header._element, encoding="unicode")


# --- header block -------------------------------------------------------------------------------


def test_header_block_of_the_approved_version(org_a, versions, people):
    _, v2, _ = versions
    data, _ = _export(org_a, "xlsx")
    facts = dict(data.facts)
    today = timezone.now().astimezone(dt.UTC).date().isoformat()
    assert facts["Organisation"] == "Alpha Ltd" and facts["Version"] == "v2"
    assert facts["Scope version"] == "v2, approved 2025-01-15"
    assert facts["Status"] == "Approved" and facts["Prepared by"] == "Mia Manager"
    assert re.fullmatch(
        r"Alex Approver, Approver \(top management\), on \d{4}-\d\d-\d\d \d\d:\d\d UTC",
        facts["Approved by"],
    )
    assert facts["Generated at"].startswith(today) and facts["Generated at"].endswith(" UTC")
    assert facts["Frozen at"] == "2025-03-04 09:30 UTC"  # the freeze, not the generation
    assert facts["Content SHA-256"] == v2.content_hash and len(v2.content_hash) == 64
    due = timezone.localdate(v2.approved_at)
    assert facts["Next review"].startswith(f"{due.year + 1}-{due.month:02d}-")
    assert facts["Scope"] == "All of it." and not data.marking


def test_header_block_in_every_format(org_a, versions):
    _, v2, _ = versions
    labels = ("Scope version", "Prepared by", "Approved by", "Generated at", "Frozen at",
              "Content SHA-256", "Next review")  # fmt: skip
    _, _, rows = _xlsx(_export(org_a, "xlsx")[1])
    xlsx_facts = {r[0]: r[1] for r in rows[:15] if r and r[0]}
    assert all(label in xlsx_facts for label in labels)
    assert xlsx_facts["Content SHA-256"] == v2.content_hash
    doc = _docx(_export(org_a, "docx")[1])
    docx_facts = {row.cells[0].text: row.cells[1].text for row in doc.tables[0].rows}
    assert all(label in docx_facts for label in labels)
    assert docx_facts["Prepared by"] == "Mia Manager"
    with org_context(org_a):
        html = soa_exports.render_html(soa_exports.pick())
    assert all(f'<th scope="row">{label}</th>' in html for label in labels)
    assert v2.content_hash in html


def test_live_draft_says_it_has_no_hash_and_no_preparer(org_a, versions):
    data, _ = _export(org_a, "xlsx", draft=True)
    facts = dict(data.facts)
    assert facts["Content SHA-256"].startswith("None: a live draft")
    assert facts["Frozen at"] == "Not frozen" and "not frozen" in facts["Prepared by"]
    assert facts["Next review"] == "12 months after approval"


# --- DOCX layout ------------------------------------------------------------------------------


def test_docx_page_numbers_repeated_header_widths_landscape(org_a, versions):
    doc = _docx(_export(org_a, "docx")[1])
    section = doc.sections[0]
    assert section.page_width > section.page_height
    footer = "".join(
        f.get(f"{W}instr") for f in section.footer._element.iter(f"{W}fldSimple")
    )  # fmt: skip
    assert footer == "PAGENUMPAGES"
    assert "Page " in section.footer.paragraphs[0].text
    grid = doc.tables[1]
    header = grid.rows[0]._tr.trPr.find(f"{W}tblHeader")
    assert header is not None and header.get(f"{W}val") == "true"
    widths = [int(c.get(f"{W}w")) for c in grid._tbl.tblGrid.iter(f"{W}gridCol")]
    assert len(widths) == 11 and len(set(widths)) > 5
    by_header = dict(zip(soa_exports.HEADERS, widths, strict=True))
    assert by_header["Ref"] < by_header["Control"] < by_header["Justification"]
    assert by_header["Implementation"] > 2.5 * by_header["Ref"]
    assert sum(widths) <= section.page_width - section.left_margin - section.right_margin
    cell_widths = {c.width for c in grid.rows[5].cells}
    assert len(cell_widths) > 5  # Word reads the cells' widths, LibreOffice the grid


# --- XLSX layout (core.table_xlsx, so every table export) ---------------------------------------


def test_xlsx_wraps_prints_titles_landscape_fit_to_width_filter(org_a, versions):
    book, sheet, rows = _xlsx(_export(org_a, "xlsx")[1])
    header_at = next(i for i, r in enumerate(rows) if r and r[0] == "Ref") + 1
    assert sheet.freeze_panes == f"A{header_at + 1}"
    assert sheet.auto_filter.ref == f"A{header_at}:K{header_at + 93}"
    assert sheet.print_title_rows == f"${header_at}:${header_at}"
    assert sheet.page_setup.orientation == "landscape"
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    body = sheet.cell(row=header_at + 1, column=5)  # a justification
    assert body.alignment.wrap_text and body.alignment.vertical == "top"
    assert all(c.font.bold for c in sheet[header_at])
    # LibreOffice takes a cell without a format from its column; it does not fit row heights
    # to wrapped text on opening, so rows carry an estimated height.
    assert sheet.column_dimensions["E"].alignment.wrap_text
    assert rows[header_at + 1][1] == "Information security roles and responsibilities"
    assert sheet.row_dimensions[header_at + 2].height == 30
    assert sheet.row_dimensions[header_at + 1].height is None
    assert sheet.HeaderFooter.oddFooter.right.text == "Page &P of &N"
    assert not sheet.HeaderFooter.oddHeader.center.text  # approved: no marking


def test_table_xlsx_stays_byte_reproducible_in_write_only_mode():
    rows = [[f"R-{n:05d}", "=cmd|' /C calc'!A0", dt.date(2026, 1, 1), n] for n in range(5_000)]
    first = table_xlsx("Big", ["Ref", "Text", "Day", "N"], rows, marking=DRAFT_MARK)
    assert first == table_xlsx("Big", ["Ref", "Text", "Day", "N"], rows, marking=DRAFT_MARK)
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<pageSetup" in xml and 'fitToWidth="1"' in xml and "'=cmd" in xml


# --- DRAFT marking -------------------------------------------------------------------------------


def _marks(org, number=None, draft=False) -> dict[str, bool]:
    """Whether each format of the SoA carries the DRAFT marking."""
    _, xlsx = _export(org, "xlsx", number, draft)
    _, sheet, rows = _xlsx(xlsx)
    in_xlsx = rows[0][0] == DRAFT_MARK and DRAFT_MARK in sheet.HeaderFooter.oddHeader.center.text
    doc = _docx(_export(org, "docx", number, draft)[1])
    head = _header_xml(doc)
    in_docx = DRAFT_MARK in head and 'string="DRAFT"' in head and "textpath" in head
    with org_context(org):
        html = soa_exports.render_html(soa_exports.pick(number, draft=draft))
    in_pdf = f'<div class="running-mark">{DRAFT_MARK}</div>' in html and 'class="watermark"' in html
    return {"xlsx": in_xlsx, "docx": in_docx, "pdf": in_pdf}


def test_draft_marking_on_unapproved_versions_only(org_a, versions):
    assert _marks(org_a, draft=True) == {"xlsx": True, "docx": True, "pdf": True}
    assert _marks(org_a, 3) == {"xlsx": True, "docx": True, "pdf": True}  # frozen, not approved
    assert _marks(org_a, 2) == {"xlsx": False, "docx": False, "pdf": False}  # approved
    assert _marks(org_a) == {"xlsx": False, "docx": False, "pdf": False}  # default: approved
    superseded, _ = _export(org_a, "xlsx", 1)
    assert superseded.marking == "SUPERSEDED — not in force"


def test_draft_marking_printed_in_the_pdf_margin(org_a, versions):
    from weasyprint import HTML

    from openisms.documents.exports_pdf import _fetcher

    with org_context(org_a):
        html = soa_exports.render_html(soa_exports.pick(3))
    page = HTML(string=html, url_fetcher=_fetcher()).render().pages[0]
    assert _margin_texts(page)["@top-center"] == DRAFT_MARK


@pytest.fixture
def owner(members_a):
    return members_a["owner"]


def test_document_exports_mark_versions_not_in_force(org_a, owner):
    from weasyprint import HTML

    from openisms.documents.exports_pdf import _fetcher, document_html

    with org_context(org_a):
        document = make_document(owner, versions=("superseded", "published", "draft"))
        data = {n: doc_exports.export_data(document, doc_exports.pick_version(document, n))
                for n in (1, 2, 3)}  # fmt: skip
        docx = {n: doc_exports.render_document(document, doc_exports.pick_version(document, n),
                                               "docx") for n in (2, 3)}  # fmt: skip
    assert data[3].marking == DRAFT_MARK and data[2].marking == ""
    assert data[1].marking == "SUPERSEDED — not in force"
    assert DRAFT_MARK in _header_xml(_docx(docx[3])) and "textpath" in _header_xml(_docx(docx[3]))
    assert "DRAFT" not in _header_xml(_docx(docx[2])) and "textpath" not in _header_xml(
        _docx(docx[2])
    )
    draft_page = HTML(string=document_html(data[3]), url_fetcher=_fetcher()).render().pages[0]
    assert _margin_texts(draft_page)["@top-center"] == DRAFT_MARK
    assert 'class="watermark"' in document_html(data[3])
    assert 'class="watermark"' not in document_html(data[2])
    published_page = HTML(string=document_html(data[2]), url_fetcher=_fetcher()).render().pages[0]
    assert (
        "@top-center" not in _margin_texts(published_page)
        or not _margin_texts(published_page)["@top-center"]
    )


# --- LibreOffice -------------------------------------------------------------------------------


# CI installs LibreOffice (make browser): there a missing soffice fails instead of skipping.
@pytest.mark.skipif(not shutil.which("soffice") and not os.environ.get("CI"), reason="no soffice")
def test_libreoffice_converts_the_soa_docx_and_xlsx(org_a, versions, tmp_path):
    for fmt in ("docx", "xlsx"):
        source = tmp_path / f"soa.{fmt}"
        source.write_bytes(_export(org_a, fmt, 3)[1])
        profile = f"-env:UserInstallation=file://{tmp_path}/lo-profile"
        done = subprocess.run(
            ["soffice", profile, "--headless", "--convert-to", "pdf", "--outdir",
             str(tmp_path / fmt), str(source)],
            capture_output=True, timeout=180,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        pdf = tmp_path / fmt / "soa.pdf"
        assert pdf.read_bytes().startswith(b"%PDF-")
        if shutil.which("pdftotext"):
            text = subprocess.run(
                ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True
            ).stdout.decode()
            assert "A.8.34" in text and "DRAFT" in text
            if fmt == "docx":
                assert re.search(r"Page 1 of \d+", text)
