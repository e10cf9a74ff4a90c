"""The Statement of Applicability as XLSX, DOCX or PDF, laid out for an auditor.

Of a frozen version (default: the approved one, else the latest) or of the live state ("draft").
All three formats carry the same header block — organisation, scope version, SoA version,
status, who prepared (froze) it, who approved it in which role and when, when the file was
generated, when the version was frozen, the SHA-256 the approval is bound to and the next
review — and one row per control with the same columns. Anything but the approved version is
marked (``DRAFT — not approved``, ``SUPERSEDED — not in force``) in the running header, with a
watermark in DOCX and PDF.

Next review: :data:`REVIEW_MONTHS` after the approval (clause 6.1.3 asks for the SoA to be kept
current; a yearly review at the latest is the rule OpenISMS applies, as no organisation-level
review setting exists yet).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpResponse
from django.utils import timezone

from openisms.controls.models import SoaStatus, SoaVersion
from openisms.controls.services import soa as svc
from openisms.controls.soa_rows import build_rows, header
from openisms.core.dates import iso_day, iso_moment
from openisms.core.exports import (
    DOCX_TYPE,
    DRAFT_MARK,
    PDF_TYPE,
    XLSX_TYPE,
    table_xlsx,
    watermark_of,
)
from openisms.core.permissions import Role

FORMATS = ("xlsx", "docx", "pdf")
CONTENT_TYPES = {"xlsx": XLSX_TYPE, "docx": DOCX_TYPE, "pdf": PDF_TYPE}
HEADERS = (
    "Ref", "Control", "Theme", "Applicable", "Justification", "Status", "Owner",
    "Target date", "Implementation", "Documents", "Evidence",
)  # fmt: skip
WIDTHS = (14, 36, 14, 11, 60, 18, 18, 12, 50, 24, 20)
REVIEW_MONTHS = 12
SUPERSEDED_MARK = "SUPERSEDED — not in force"
MARKS = {
    SoaStatus.APPROVED: "",
    SoaStatus.SUPERSEDED: SUPERSEDED_MARK,
    SoaStatus.FROZEN: DRAFT_MARK,
    SoaStatus.REJECTED: "REJECTED — not approved",
}
LIVE = "Draft"


class ExportError(Exception):
    pass


@dataclass
class SoaExport:
    organisation: str
    scope: str
    version_label: str  # "v3" or "Draft"
    status: str
    approved: str  # "Jane Doe, Approver (top management), on 2026-11-28 10:02 UTC" or ""
    generated: str  # when this file was made, not when the version was frozen
    rows: list[dict[str, Any]] = field(default_factory=list)
    scope_version: str = ""
    prepared_by: str = ""
    frozen_at: str = ""
    content_hash: str = ""
    next_review: str = ""
    marking: str = DRAFT_MARK  # empty only for the approved version

    @property
    def draft(self) -> bool:
        return bool(self.marking)

    @property
    def watermark(self) -> str:
        return watermark_of(self.marking)

    @property
    def title(self) -> str:
        return f"Statement of Applicability {self.version_label}"

    @property
    def facts(self) -> list[tuple[str, str]]:
        return [
            ("Organisation", self.organisation),
            ("Scope version", self.scope_version or "No approved scope"),
            ("Version", self.version_label),
            ("Status", self.status),
            ("Prepared by", self.prepared_by),
            ("Approved by", self.approved or "Not approved"),
            ("Generated at", self.generated),
            ("Frozen at", self.frozen_at),
            ("Content SHA-256", self.content_hash),
            ("Next review", self.next_review),
            ("Scope", self.scope or "No approved scope statement yet."),
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
    """Full name; the username only where there is no name (``identity.display_name``)."""
    from openisms.people.identity import display_name

    return display_name(user)


def _role(key: str) -> str:
    return str(Role(key).label) if key in Role.values else key


def pick(number: int | None = None, *, draft: bool = False) -> SoaExport:
    """The export of version ``number``, the default version, or (``draft``) the live state."""
    if draft:
        head = header()
        return SoaExport(
            head["organisation"], head["scope"], LIVE, "Draft: live state, not frozen", "",
            iso_moment(timezone.now()), build_rows(), scope_version=head.get("scope_version", ""),
            prepared_by="Nobody yet: the live state is not frozen",
            frozen_at="Not frozen",
            content_hash="None: a live draft has no fixed content (it is hashed when frozen)",
            next_review=f"{REVIEW_MONTHS} months after approval",
        )  # fmt: skip
    versions = SoaVersion.objects.select_related("frozen_by", "approved_by")
    if number is None:
        version = svc.default_version()
        if version is None:
            raise ExportError("No SoA version has been frozen yet; export the draft instead.")
    else:
        version = versions.filter(number=number).first()
        if version is None:
            raise ExportError(f"There is no SoA version {number}.")
    return of_version(version)


def _decision(version: SoaVersion) -> str:
    """Who decided the version, in which role, and when (from the sign-off record)."""
    from openisms.core.auditing import object_type
    from openisms.core.models import Approval

    approval = (
        Approval.objects.filter(
            subject_type=object_type(SoaVersion), subject_id=str(version.pk),
            kind=svc.APPROVAL_KIND,
        )
        .select_related("approver")
        .order_by("-decided_at")
        .first()
    )  # fmt: skip
    if approval is not None:
        who = f"{_person(approval.approver)}, {_role(approval.approver_role)}"
        verb = "" if approval.decision == "approved" else "Rejected by "
        return f"{verb}{who}, on {iso_moment(approval.decided_at)}"
    if version.approved_at:
        return f"{_person(version.approved_by)}, on {iso_moment(version.approved_at)}"
    return ""


def _next_review(version: SoaVersion) -> str:
    from openisms.documents.services.documents import add_months

    if version.status == SoaStatus.SUPERSEDED:
        return "None: superseded by a later version"
    if version.status == SoaStatus.APPROVED and version.approved_at:
        due = add_months(timezone.localdate(version.approved_at), REVIEW_MONTHS)
        return f"{iso_day(due)} ({REVIEW_MONTHS} months after approval)"
    return f"{REVIEW_MONTHS} months after approval"


def of_version(version: SoaVersion) -> SoaExport:
    head = version.header or {}
    status = version.get_status_display()
    if version.status == SoaStatus.FROZEN:
        status = f"{status} (draft)"
    return SoaExport(
        head.get("organisation", ""), head.get("scope", ""), f"v{version.number}",
        status, _decision(version) if version.status != SoaStatus.FROZEN else "",
        iso_moment(timezone.now()), list(version.rows),
        scope_version=head.get("scope_version") or "Not recorded when this version was frozen",
        prepared_by=_person(version.frozen_by) or "Not recorded",
        frozen_at=iso_moment(version.frozen_at), content_hash=version.content_hash,
        next_review=_next_review(version), marking=MARKS.get(version.status, DRAFT_MARK),
    )  # fmt: skip


def filename(data: SoaExport, fmt: str) -> str:
    label = "draft" if data.version_label == "Draft" else data.version_label
    return f"SoA-{label}.{fmt}"


def render(data: SoaExport, fmt: str) -> bytes:
    if fmt == "xlsx":
        return table_xlsx(
            "Statement of Applicability", HEADERS, data.table(), widths=WIDTHS,
            preamble=[(data.title, ""), *data.facts], marking=data.marking,
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

# Centimetres on landscape A4 with 1.5 cm margins (26.7 cm): narrow codes, wide reasons.
DOCX_WIDTHS = (1.4, 3.0, 2.6, 2.2, 4.3, 1.8, 2.0, 1.6, 3.6, 2.3, 1.9)
LABEL_FILL = "E8ECF1"


def render_docx(data: SoaExport) -> bytes:
    import io

    from docx import Document as new_docx
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt, RGBColor

    from openisms.core import exports_docx as word
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
    head = section.header.paragraphs[0]
    head.text = xml_text(f"{data.organisation} · {data.title} · {data.status}")
    for run in head.runs:
        run.font.size = Pt(8)
        run.font.color.rgb = RGBColor.from_string(word.GREY)
    if data.marking:
        word.mark_draft(section, data.marking, page_width_pt=560)
    foot = section.footer.paragraphs[0]
    foot.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    word.page_x_of_y(foot, prefix=xml_text(f"{data.title} · generated {data.generated} · "))
    doc.add_paragraph(data.title, style="Title")
    if data.marking:
        mark = doc.add_paragraph().add_run(data.marking)
        mark.bold = True
        mark.font.size = Pt(14)
        mark.font.color.rgb = word.MARK_COLOUR
    facts = doc.add_table(rows=0, cols=2)
    facts.style = "Table Grid"
    for label, value in data.facts:
        row = facts.add_row().cells
        row[0].text, row[1].text = label, xml_text(value)
        row[0].paragraphs[0].runs[0].bold = True
        word.shade(row[0], LABEL_FILL)
    word.column_widths(facts, (4.0, 22.7))
    doc.add_paragraph()
    grid = doc.add_table(rows=1, cols=len(HEADERS))
    grid.style = "Table Grid"
    for cell, text in zip(grid.rows[0].cells, HEADERS, strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
        word.shade(cell, LABEL_FILL)
    word.repeat_header_row(grid)
    for values in data.table():
        row = grid.add_row().cells
        for cell, text in zip(row, values, strict=True):
            cell.text = xml_text(text or "")
    word.column_widths(grid, DOCX_WIDTHS)
    doc.core_properties.title = data.title
    doc.core_properties.version = data.version_label
    doc.core_properties.author = data.organisation
    doc.core_properties.keywords = data.marking
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


# --- PDF -----------------------------------------------------------------------------------


def render_html(data: SoaExport) -> str:
    from django.template.loader import render_to_string

    return render_to_string("controls/soa_export.html", {"data": data, "headers": HEADERS})


def render_pdf(data: SoaExport) -> bytes:
    from weasyprint import HTML

    from openisms.documents.exports_pdf import _fetcher

    return HTML(string=render_html(data), base_url=None, url_fetcher=_fetcher()).write_pdf()
