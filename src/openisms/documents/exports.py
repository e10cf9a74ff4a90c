"""Exports of document control: one document version as DOCX or PDF, the register as XLSX.

The facts shown in a document's control block and version history are gathered here once, so
the DOCX (``exports_docx``), the PDF (``exports_pdf``), the pages, the API and the CLI all print
the same thing. Every function runs inside the organisation's context.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.utils import timezone

from openisms.core.context import require_org
from openisms.core.exports import (
    DOCX_TYPE,
    DRAFT_MARK,
    PDF_TYPE,
    XLSX_TYPE,
    table_xlsx,
    watermark_of,
)
from openisms.documents.models import (
    Acknowledgement,
    Document,
    DocumentKind,
    DocumentStatus,
    DocumentVersion,
    VersionStatus,
)

DOCUMENT_FORMATS = ("docx", "pdf")
CONTENT_TYPES = {"docx": DOCX_TYPE, "pdf": PDF_TYPE, "xlsx": XLSX_TYPE}
NOT_SET = "—"
# Characters XML 1.0 cannot carry (python-docx refuses them, WeasyPrint drops them).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


class ExportError(LookupError):
    """The document or version asked for does not exist; the message says what does."""


def xml_text(value: Any) -> str:
    return _XML_ILLEGAL.sub("", "" if value is None else str(value))


def person(who: Any) -> str:
    """A person (owner, reviewer) or a login (approver, author) by its display name."""
    from openisms.people.identity import display_name

    return display_name(who) or NOT_SET


def day(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return NOT_SET
    if isinstance(value, dt.datetime):
        value = timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value.isoformat()


# --- which document, which version -----------------------------------------------------------


def documents_for_export() -> Any:
    return Document.objects.select_related(
        "organisation", "owner", "reviewer", "approver", "classification"
    )


def find_document(ref: str) -> Document:
    """The document with reference ``ref`` (case-insensitive) in the current organisation."""
    wanted = (ref or "").strip()
    document = documents_for_export().filter(ref__iexact=wanted).first()
    if document is None:
        raise ExportError(f"No document “{wanted}” in {require_org().name}.")
    return document


def pick_version(document: Document, number: int | None = None) -> DocumentVersion:
    """Version ``number``; by default the version in force, else the newest one."""
    versions = DocumentVersion.objects.select_related("author", "approved_by").filter(
        document=document
    )
    if number is not None:
        found = versions.filter(number=number).first()
        if found is None:
            numbers = sorted(versions.values_list("number", flat=True))
            have = ", ".join(str(n) for n in numbers) or "none yet"
            raise ExportError(f"{document.ref} has no version {number} (versions: {have}).")
        return found
    found = None
    if document.published_version_id:
        found = versions.filter(pk=document.published_version_id).first()
    if found is None:
        found = versions.order_by("-number").first()
    if found is None:
        raise ExportError(f"{document.ref} has no version yet: write one before exporting it.")
    return found


def is_published(version: DocumentVersion) -> bool:
    return version.status == VersionStatus.PUBLISHED


def required_action(version: DocumentVersion) -> str:
    """Staff may read (and so download) what is in force; anything else is an export."""
    return "records.view" if is_published(version) else "records.export"


def filename(document: Document, version: DocumentVersion, fmt: str) -> str:
    ref = _UNSAFE_NAME.sub("-", document.ref).strip("-") or "document"
    return f"{ref}-v{version.number}.{fmt}"


def register_filename() -> str:
    slug = _UNSAFE_NAME.sub("-", require_org().slug)
    return f"{slug}-document-register-{timezone.localdate().isoformat()}.xlsx"


# --- what the control block and history say ---------------------------------------------------


@dataclass(frozen=True)
class ExportData:
    """Everything a rendered document needs, already turned into text."""

    organisation: str
    ref: str
    title: str
    version_label: str
    classification: str
    facts: list[tuple[str, str]]
    history: list[list[str]]
    content: str
    file_note: str
    marking: str = ""  # empty only for the version in force (see MARKS)

    @property
    def watermark(self) -> str:
        return watermark_of(self.marking)

    @property
    def running_head(self) -> str:
        return f"{self.ref} {self.version_label} · {self.classification}"


# What a DOCX/PDF of a version not in force says in its running header and watermark.
MARKS = {
    VersionStatus.DRAFT: DRAFT_MARK,
    VersionStatus.IN_REVIEW: DRAFT_MARK,
    VersionStatus.APPROVED: "NOT IN FORCE — approved, not yet published",
    VersionStatus.PUBLISHED: "",
    VersionStatus.SUPERSEDED: "SUPERSEDED — not in force",
    VersionStatus.RETIRED: "RETIRED — not in force",
}
HISTORY_HEADERS = ["Version", "Status", "Change summary", "Author", "Approved", "Published"]


def export_data(document: Document, version: DocumentVersion) -> ExportData:
    classification = document.classification.name if document.classification else "Unclassified"
    if version.approved_by_id:
        approved = f"{day(version.approved_at)} by {person(version.approved_by)}"
    else:
        approved = "Not approved"
    approver = version.approved_by if version.approved_by_id else document.approver
    controls = ", ".join(document.controls.order_by("order", "ref").values_list("ref", flat=True))
    facts = [
        ("Organisation", document.organisation.name),
        ("Reference", document.ref),
        ("Title", document.title),
        ("Document type", document.get_kind_display()),
        ("Version", f"{version.label} ({version.get_status_display()})"),
        ("Document status", document.get_status_display()),
        ("Owner", person(document.owner)),
        ("Reviewer", person(document.reviewer)),
        ("Approver", person(approver)),
        ("Approved", approved),
        ("Published", day(version.published_at) if version.published_at else "Not published"),
        ("Classification", classification),
        ("Review cycle", f"Every {document.review_months} months"),
        ("Next review", day(document.next_review)),
        ("Change summary", version.change_summary or NOT_SET),
    ]
    if controls:
        facts.append(("Controls", controls))
    history = [
        [
            v.label,
            v.get_status_display(),
            v.change_summary or NOT_SET,
            person(v.author),
            f"{day(v.approved_at)} {person(v.approved_by)}" if v.approved_by_id else NOT_SET,
            day(v.published_at),
        ]
        for v in DocumentVersion.objects.filter(document=document)
        .select_related("author", "approved_by")
        .order_by("number")
    ]
    file_note = ""
    if version.file:
        digest = version.file_sha256 or "not recorded"
        file_note = (
            f"This version is the attached file “{version.file_name or 'unnamed'}” "
            f"({version.file_type or 'unknown type'}, SHA-256 {digest}). Keep the file with "
            "this control sheet; the checksum shows whether a copy is the approved one."
        )
    return ExportData(
        organisation=xml_text(document.organisation.name),
        ref=xml_text(document.ref),
        title=xml_text(document.title),
        version_label=version.label,
        classification=xml_text(classification),
        facts=[(label, xml_text(value)) for label, value in facts],
        history=[[xml_text(cell) for cell in row] for row in history],
        content=xml_text(version.content),
        file_note=xml_text(file_note),
        marking=MARKS.get(version.status, DRAFT_MARK),
    )


def render_document(document: Document, version: DocumentVersion, fmt: str) -> bytes:
    data = export_data(document, version)
    if fmt == "docx":
        from openisms.documents.exports_docx import document_docx

        return document_docx(data)
    if fmt == "pdf":
        from openisms.documents.exports_pdf import document_pdf

        return document_pdf(data)
    raise ExportError(f"Documents export as {' or '.join(DOCUMENT_FORMATS)}, not “{fmt}”.")


# --- the register ---------------------------------------------------------------------------

REGISTER_HEADERS = [
    "Ref", "Title", "Kind", "Status", "Version in force", "Latest version", "Owner", "Reviewer",
    "Approver", "Classification", "Review (months)", "Next review", "Review overdue",
    "Published", "Controls", "Acknowledged", "Acknowledgements requested",
]  # fmt: skip
REGISTER_WIDTHS = [11, 40, 18, 11, 9, 9, 20, 20, 20, 14, 9, 12, 9, 12, 30, 9, 9]


_REGISTER_COLUMNS = (
    "pk", "ref", "title", "kind", "status", "review_months", "next_review",
    "published_version_id", "published_version__number", "published_version__published_at",
    "latest_version__number", "classification__name",
    "owner__full_name", "reviewer__full_name",
    *(f"approver__{field}" for field in ("username", "first_name", "last_name")),
)  # fmt: skip


def _name(row: dict[str, Any], who: str) -> str:
    if who in ("owner", "reviewer"):  # people of the register
        return row[who + "__full_name"] or ""
    full = f"{row[who + '__first_name'] or ''} {row[who + '__last_name'] or ''}".strip()
    return full or row[who + "__username"] or ""


def register_rows() -> list[list[Any]]:
    """One row per document, in three queries whatever the number of documents.

    Plain values rather than model instances: 5,000 documents with six related rows each would
    spend most of the export building objects nobody looks at.
    """
    org = require_org()
    today = timezone.localdate()
    kinds, statuses = dict(DocumentKind.choices), dict(DocumentStatus.choices)
    documents = Document.objects.order_by("ref").values(*_REGISTER_COLUMNS)
    # The through table is not organisation-scoped itself: filter on the document's organisation
    # (a join, not an IN list of thousands of ids).
    controls: dict[Any, list[str]] = defaultdict(list)
    links = (
        Document.controls.through.objects.filter(document__organisation=org)
        .order_by("control__order", "control__ref")
        .values_list("document_id", "control__ref")
    )
    for document_id, ref in links:
        controls[document_id].append(ref)
    acks = {
        row["version_id"]: (row["done"], row["requested"])
        for row in Acknowledgement.objects.filter(version__status=VersionStatus.PUBLISHED)
        .values("version_id")
        .annotate(done=Count("acknowledged_at"), requested=Count("pk"))
        .order_by()
    }
    rows: list[list[Any]] = []
    for d in documents:
        in_force = d["published_version_id"]
        published_at = d["published_version__published_at"]
        # as selectors.is_overdue: only what is in force has a review that can be late
        overdue = bool(
            in_force
            and d["status"] != DocumentStatus.RETIRED
            and d["next_review"]
            and d["next_review"] < today
        )
        done, requested = acks.get(in_force, (0, 0))
        rows.append(
            [
                d["ref"],
                d["title"],
                kinds.get(d["kind"], d["kind"]),
                statuses.get(d["status"], d["status"]),
                d["published_version__number"],
                d["latest_version__number"],
                _name(d, "owner"),
                _name(d, "reviewer"),
                _name(d, "approver"),
                d["classification__name"] or "",
                d["review_months"],
                d["next_review"],
                "yes" if overdue else "no",
                timezone.localdate(published_at) if published_at else None,
                ", ".join(controls.get(d["pk"], ())),
                done,
                requested,
            ]
        )
    return rows


def register_xlsx() -> tuple[bytes, int]:
    org = require_org()
    rows = register_rows()
    content = table_xlsx(
        "Document register",
        REGISTER_HEADERS,
        rows,
        widths=REGISTER_WIDTHS,
        preamble=[
            ("Organisation", org.name),
            ("Document register as of", timezone.localdate()),
            ("Documents", len(rows)),
        ],
    )
    return content, len(rows)
