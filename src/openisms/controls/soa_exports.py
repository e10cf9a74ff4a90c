"""The Statement of Applicability as XLSX, DOCX or PDF, laid out for an auditor.

Of a frozen version (default: the approved one, else the latest) or of the live state ("draft").
All three formats carry the same header block (organisation, scope, version, status, approval)
and one row per control with the same columns.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

from openisms.controls.models import SoaVersion
from openisms.controls.services import soa as svc
from openisms.controls.soa_rows import build_rows, header
from openisms.core.exports import DOCX_TYPE, PDF_TYPE, XLSX_TYPE, table_xlsx

FORMATS = ("xlsx", "docx", "pdf")
CONTENT_TYPES = {"xlsx": XLSX_TYPE, "docx": DOCX_TYPE, "pdf": PDF_TYPE}
HEADERS = (
    "Ref", "Control", "Theme", "Applicable", "Justification", "Status", "Owner",
    "Target date", "Implementation", "Documents", "Evidence",
)  # fmt: skip
WIDTHS = (9, 36, 14, 11, 60, 18, 18, 12, 50, 24, 20)


class ExportError(Exception):
    pass


@dataclass
class SoaExport:
    organisation: str
    scope: str
    version_label: str  # "v3" or "Draft"
    status: str
    approved: str  # "Jane Doe on 2026-11-28" or ""
    generated: str
    rows: list[dict[str, Any]] = field(default_factory=list)

    @property
    def facts(self) -> list[tuple[str, str]]:
        return [
            ("Organisation", self.organisation),
            ("Scope", self.scope or "No approved scope statement yet."),
            ("Version", self.version_label),
            ("Status", self.status),
            ("Approved by", self.approved or "Not approved"),
            ("Generated", self.generated),
        ]

    def table(self) -> list[list[str]]:
        return [cells(r) for r in self.rows]


def cells(row: dict[str, Any]) -> list[str]:
    return [
        row["ref"], row["title"], row["theme"], row["applicable"], row["justification"],
        row["status"], row["owner"], row["target_date"], row["implementation"],
        ", ".join(row["documents"]), ", ".join(row["evidence"]),
    ]  # fmt: skip


def _person(user: Any) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def pick(number: int | None = None, *, draft: bool = False) -> SoaExport:
    """The export of version ``number``, the default version, or (``draft``) the live state."""
    if draft:
        head = header()
        return SoaExport(
            head["organisation"], head["scope"], "Draft", "Draft: live state, not frozen", "",
            head["generated"], build_rows(),
        )  # fmt: skip
    if number is None:
        version = svc.default_version()
        if version is None:
            raise ExportError("No SoA version has been frozen yet; export the draft instead.")
    else:
        version = SoaVersion.objects.select_related("approved_by").filter(number=number).first()
        if version is None:
            raise ExportError(f"There is no SoA version {number}.")
    return of_version(version)


def of_version(version: SoaVersion) -> SoaExport:
    head = version.header or {}
    approved = ""
    if version.approved_at:
        when = timezone.localtime(version.approved_at).date().isoformat()
        approved = f"{_person(version.approved_by)} on {when}".strip()
    return SoaExport(
        head.get("organisation", ""), head.get("scope", ""), f"v{version.number}",
        version.get_status_display(), approved,
        timezone.localtime(version.frozen_at).date().isoformat(), list(version.rows),
    )  # fmt: skip


def filename(data: SoaExport, fmt: str) -> str:
    label = "draft" if data.version_label == "Draft" else data.version_label
    return f"SoA-{label}.{fmt}"


def render(data: SoaExport, fmt: str) -> bytes:
    if fmt == "xlsx":
        return table_xlsx(
            "Statement of Applicability", HEADERS, data.table(), widths=WIDTHS,
            preamble=[("Statement of Applicability", ""), *data.facts],
        )  # fmt: skip
    if fmt == "docx":
        return render_docx(data)
    if fmt == "pdf":
        return render_pdf(data)
    raise ExportError(f"Unknown format “{fmt}”: use xlsx, docx or pdf.")


def response(data: SoaExport, fmt: str) -> HttpResponse:
    out = HttpResponse(render(data, fmt), content_type=CONTENT_TYPES[fmt])
    out["Content-Disposition"] = f'attachment; filename="{filename(data, fmt)}"'
    out["Cache-Control"] = "no-store"
    out["X-Content-Type-Options"] = "nosniff"
    return out


# --- DOCX ----------------------------------------------------------------------------------


def render_docx(data: SoaExport) -> bytes:
    from docx import Document as new_docx
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm, Pt

    from openisms.documents.exports import xml_text

    doc = new_docx()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21)
    section.left_margin = section.right_margin = Cm(1.5)
    section.top_margin = section.bottom_margin = Cm(1.5)
    normal = doc.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(8)
    section.header.paragraphs[0].text = xml_text(
        f"{data.organisation} · Statement of Applicability {data.version_label}"
    )
    section.footer.paragraphs[0].text = xml_text(f"{data.version_label} · {data.status}")
    doc.add_paragraph("Statement of Applicability", style="Title")
    facts = doc.add_table(rows=0, cols=2)
    facts.style = "Table Grid"
    for label, value in data.facts:
        row = facts.add_row().cells
        row[0].text, row[1].text = label, xml_text(value)
        row[0].paragraphs[0].runs[0].bold = True
    doc.add_paragraph()
    grid = doc.add_table(rows=1, cols=len(HEADERS))
    grid.style = "Table Grid"
    for cell, text in zip(grid.rows[0].cells, HEADERS, strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    # Repeat the header row on every page.
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    grid.rows[0]._tr.get_or_add_trPr().append(marker)
    for values in data.table():
        row = grid.add_row().cells
        for cell, text in zip(row, values, strict=True):
            cell.text = xml_text(text or "")
    doc.core_properties.title = "Statement of Applicability"
    doc.core_properties.version = data.version_label
    doc.core_properties.author = data.organisation
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


# --- PDF -----------------------------------------------------------------------------------


def render_html(data: SoaExport) -> str:
    return render_to_string("controls/soa_export.html", {"data": data, "headers": HEADERS})


def render_pdf(data: SoaExport) -> bytes:
    from weasyprint import HTML

    from openisms.documents.exports_pdf import _fetcher

    return HTML(string=render_html(data), base_url=None, url_fetcher=_fetcher()).write_pdf()
