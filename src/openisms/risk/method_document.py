"""The risk method (6.1.2 a–c) as a controlled document: DOCX and PDF.

One version of the method with its control block (version, status, approval: who, in which role,
when, bound to which content SHA-256), the likelihood and impact scales, the matrix, the levels
with their acceptance criteria and who may accept each, and the version history. A version that
is not approved carries DRAFT in its running header. The facts are gathered once here
(:func:`method_data`) so the DOCX, the PDF, the page, the API and the CLI print the same thing;
the layout reuses the document-control helpers of ``documents.exports_docx`` / ``exports_pdf``.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string

from openisms.core.auditing import object_type
from openisms.core.context import require_org
from openisms.core.dates import iso_day, iso_moment
from openisms.core.exports import DOCX_TYPE, DRAFT_MARK, PDF_TYPE, watermark_of
from openisms.core.models import Approval, Decision
from openisms.core.permissions import Role
from openisms.core.services.approvals import content_hash
from openisms.documents.exports import xml_text
from openisms.risk.forms_method import ink
from openisms.risk.models import Methodology, MethodologyStatus
from openisms.risk.services import methodology as methods

FORMATS = ("docx", "pdf")
CONTENT_TYPES = {"docx": DOCX_TYPE, "pdf": PDF_TYPE}
TITLE = "Risk assessment and treatment method"
NOT_SET = "—"
HISTORY_HEADERS = ["Version", "Status", "What changed", "Proposed by", "Decision", "In force since"]
LEVEL_HEADERS = ["Level", "Within the acceptance criteria", "May be accepted by"]
SCALE_HEADERS = ["#", "Label", "Description"]


class MethodExportError(LookupError):
    """The version asked for does not exist; the message says which do."""


def person(user: Any) -> str:
    from openisms.people.identity import display_name

    return display_name(user) or NOT_SET


def role_label(role: str) -> str:
    return Role(role).label if role in Role.values else role


def pick(version: int | None = None) -> Methodology:
    """Version ``version``; by default the version in force."""
    if version is None:
        return methods.current()
    found = Methodology.objects.select_related("created_by").filter(version=version).first()
    if found is None:
        numbers = Methodology.objects.order_by("version").values_list("version", flat=True)
        have = ", ".join(f"v{n}" for n in numbers)
        raise MethodExportError(f"There is no risk method v{version} (versions: {have}).")
    return found


def required_action(methodology: Methodology) -> str:
    """Anyone may read the method in force (as on the page); other versions are an export."""
    return "records.view" if methodology.status == MethodologyStatus.CURRENT else "records.export"


def filename(methodology: Methodology, fmt: str) -> str:
    return f"risk-method-{require_org().slug}-v{methodology.version}.{fmt}"


@dataclass(frozen=True)
class MethodData:
    organisation: str
    version_label: str
    approved: bool
    marking: str  # DRAFT_MARK while not approved, "SUPERSEDED — …", or "" when in force

    @property
    def watermark(self) -> str:
        return watermark_of(self.marking)

    facts: list[tuple[str, str]]
    likelihood: list[list[str]]
    impact: list[list[str]]
    impact_labels: list[str]
    # (likelihood label, [(level name, fill colour, "dark"|"light" text)]) per row
    matrix: list[tuple[str, list[tuple[str, str, str]]]]
    levels: list[list[str]]
    history: list[list[str]]
    title: str = TITLE

    @property
    def running_head(self) -> str:
        head = f"{self.organisation} · {TITLE} {self.version_label}"
        return f"{self.marking} · {head}" if self.marking else head


def _decisions() -> dict[str, Approval]:
    """Each version's latest decision (one query for every version)."""
    latest: dict[str, Approval] = {}
    for approval in (
        Approval.objects.filter(subject_type=object_type(Methodology), kind=methods.APPROVAL_KIND)
        .select_related("approver")
        .order_by("decided_at")
    ):
        latest[approval.subject_id] = approval
    return latest


def _decision_text(approval: Approval | None, current_hash: str) -> str:
    if approval is None:
        return "Not approved"
    verb = "Approved" if approval.decision == Decision.APPROVED else "Rejected"
    text = (
        f"{verb} by {person(approval.approver)}, {role_label(approval.approver_role)}, "
        f"{iso_moment(approval.decided_at)}"
    )
    if approval.content_hash != current_hash:
        text += " (for earlier content: changed since)"
    return text


def method_data(methodology: Methodology) -> MethodData:
    method = methodology.method
    decisions = _decisions()
    approval = decisions.get(str(methodology.pk))
    current_hash = content_hash(methodology)
    approved = bool(
        approval
        and approval.decision == Decision.APPROVED
        and approval.content_hash == current_hash
    )
    if not approved:
        marking = DRAFT_MARK
    elif methodology.status == MethodologyStatus.SUPERSEDED:
        marking = "SUPERSEDED — a later version is in force"
    else:
        marking = ""
    threshold = method.level(method.acceptance_threshold)
    facts = [
        ("Organisation", require_org().name),
        ("Document", TITLE),
        ("Version", f"v{methodology.version}"),
        ("Status", methodology.get_status_display()),
        ("Proposed by", f"{person(methodology.created_by)}, {iso_day(methodology.created_at)}"),
        (
            "In force since",
            iso_moment(methodology.activated_at) if methodology.activated_at else NOT_SET,
        ),
        ("Approval", _decision_text(approval, current_hash)),
        ("Approved content SHA-256", approval.content_hash if approval else NOT_SET),
        ("This version's content SHA-256", current_hash),
        (
            "Acceptance criteria",
            f"Risks up to {threshold.name if threshold else method.acceptance_threshold} are "
            "within the acceptance criteria; higher levels need treatment, or acceptance by "
            "the roles listed for their level.",
        ),
        ("Review frequency", f"Every {method.review_months} months"),
        ("What changed", methodology.note or NOT_SET),
    ]
    history = [
        [
            f"v{m.version}",
            m.get_status_display(),
            m.note or NOT_SET,
            f"{person(m.created_by)}, {iso_day(m.created_at)}",
            _decision_text(decisions.get(str(m.pk)), content_hash(m)),
            iso_day(m.activated_at) or NOT_SET,
        ]
        for m in Methodology.objects.select_related("created_by").order_by("version")
    ]
    levels = [
        [
            level.name,
            "yes" if method.within_criteria(level) else "no",
            ", ".join(role_label(r) for r in level.accept_roles) or "nobody",
        ]
        for level in method.ordered_levels()
    ]
    matrix = [
        (
            f"{point.value} {point.label}",
            [
                (level.name, level.colour, ink(level.colour))
                for ip in method.impact
                for level in [method.level_for(point.value, ip.value)]
            ],
        )
        for point in reversed(method.likelihood)  # highest likelihood on top, as on the page
    ]

    def scale(points: Any) -> list[list[str]]:
        return [[str(p.value), p.label, p.description or NOT_SET] for p in points]

    def clean(rows: list[list[str]]) -> list[list[str]]:
        return [[xml_text(cell) for cell in row] for row in rows]

    return MethodData(
        organisation=xml_text(require_org().name),
        version_label=f"v{methodology.version}",
        approved=approved,
        marking=marking,
        facts=[(label, xml_text(value)) for label, value in facts],
        likelihood=clean(scale(method.likelihood)),
        impact=clean(scale(method.impact)),
        impact_labels=[xml_text(f"{p.value} {p.label}") for p in method.impact],
        matrix=[
            (xml_text(label), [(xml_text(n), c, i) for n, c, i in cells]) for label, cells in matrix
        ],
        levels=clean(levels),
        history=clean(history),
    )


def render(methodology: Methodology, fmt: str) -> bytes:
    data = method_data(methodology)
    if fmt == "docx":
        return method_docx(data)
    if fmt == "pdf":
        return method_pdf(data)
    raise MethodExportError(f"The risk method exports as {' or '.join(FORMATS)}, not “{fmt}”.")


# --- PDF --------------------------------------------------------------------------------------


def method_html(data: MethodData) -> str:
    return render_to_string(
        "risk/method_document.html",
        {
            "data": data,
            "history_headers": HISTORY_HEADERS,
            "level_headers": LEVEL_HEADERS,
            "scale_headers": SCALE_HEADERS,
        },
    )


def method_pdf(data: MethodData) -> bytes:
    from weasyprint import HTML

    from openisms.documents.exports_pdf import _fetcher

    return HTML(string=method_html(data), base_url=None, url_fetcher=_fetcher()).write_pdf()


# --- DOCX -------------------------------------------------------------------------------------


def method_docx(data: MethodData) -> bytes:
    from docx import Document as new_docx
    from docx.shared import Pt, RGBColor

    from openisms.core import exports_docx as word
    from openisms.documents.exports_docx import _facts_table

    doc = new_docx()
    _page_setup(doc, data)
    title = doc.add_paragraph(TITLE, style="Title")
    title.paragraph_format.space_after = Pt(4)
    doc.add_paragraph(f"{data.organisation} · {data.version_label}", style="Subtitle")
    if data.marking:
        doc.add_paragraph().add_run(
            f"{data.marking}: this version is not the approved method in force."
            if not data.approved
            else f"{data.marking}: a later version is in force."
        ).bold = True
    _facts_table(doc, data.facts)
    doc.add_heading("Likelihood scale", level=1)
    _grid(doc, SCALE_HEADERS, data.likelihood, [1.2, 4, 11.8])
    doc.add_heading("Impact scale", level=1)
    _grid(doc, SCALE_HEADERS, data.impact, [1.2, 4, 11.8])
    doc.add_heading("Risk matrix", level=1)
    doc.add_paragraph("Likelihood (rows, highest first) by impact (columns): the risk level.")
    table = doc.add_table(rows=1, cols=len(data.impact_labels) + 1, style="Table Grid")
    header = table.rows[0].cells
    header[0].paragraphs[0].add_run("Likelihood \\ impact").bold = True
    for cell, label in zip(header[1:], data.impact_labels, strict=True):
        cell.paragraphs[0].add_run(label).bold = True
    for label, cells in data.matrix:
        row = table.add_row().cells
        row[0].paragraphs[0].add_run(label).bold = True
        for cell, (name, colour, text) in zip(row[1:], cells, strict=True):
            run = cell.paragraphs[0].add_run(name)
            if text == "light":
                run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
            word.shade(cell, colour.lstrip("#"))
    word.repeat_header_row(table)
    doc.add_heading("Risk levels and acceptance", level=1)
    _grid(doc, LEVEL_HEADERS, data.levels, [4, 4, 9])
    doc.add_heading("Version history", level=1)
    _grid(doc, HISTORY_HEADERS, data.history, [1.6, 2.6, 3.6, 3, 4.2, 2])
    doc.core_properties.title = f"{TITLE} {data.version_label}"
    doc.core_properties.version = data.version_label
    doc.core_properties.author = data.organisation
    doc.core_properties.keywords = data.marking
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _grid(doc: Any, headers: list[str], rows: list[list[str]], widths: list[float]) -> None:
    from openisms.core import exports_docx as word

    table = doc.add_table(rows=1, cols=len(headers), style="Table Grid")
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.paragraphs[0].add_run(text).bold = True
        word.shade(cell, "E8ECF1")
    for row in rows:
        for cell, value in zip(table.add_row().cells, row, strict=False):
            cell.paragraphs[0].add_run(value)
    word.repeat_header_row(table)
    word.column_widths(table, widths)


def _page_setup(doc: Any, data: MethodData) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt, RGBColor

    from openisms.core import exports_docx as word

    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2)
    section.top_margin, section.bottom_margin = Cm(2.2), Cm(2)
    normal = doc.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10.5)
    head = section.header.paragraphs[0]
    head.add_run(f"{data.organisation} · {TITLE} {data.version_label}")
    head.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for run in head.runs:
        run.font.size = Pt(8)
        run.font.color.rgb = RGBColor(0x55, 0x5F, 0x6D)
    if data.marking:
        word.mark_draft(section, data.marking, page_width_pt=480)
    word.page_x_of_y(section.footer.paragraphs[0], f"{TITLE} {data.version_label} · ")
