"""Exports of the asset inventory, the risk register and the treatment plan (XLSX and CSV).

The columns are the importer's own (see :mod:`.columns`), so an export can be edited and
imported back. The register and the plan speak to people: full names, threat and vulnerability
names, status, treatment and level labels, acceptances (who, role, when, comment); their XLSX
opens with a header block (:mod:`.header_block`), the CSV is the bare table. Text that a
spreadsheet would read as a formula (= + - @, tab, CR) is prefixed with a quote. The output
depends only on the data and, for the header block, the minute it was generated (fixed workbook
times, fixed ZIP entry times, stable ordering).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.utils import timezone

from openisms.catalogue.models import Requirement
from openisms.core.auditing import object_type
from openisms.core.context import require_org
from openisms.core.dates import iso_moment
from openisms.core.exports import XLSX_TYPE, neutralise, save_workbook, table_xlsx  # noqa: F401
from openisms.core.models import Approval, Decision
from openisms.core.permissions import Role
from openisms.core.scoping import live_filter
from openisms.people.identity import display_name
from openisms.risk import selectors
from openisms.risk.io import columns as C
from openisms.risk.models import Asset, Risk, RiskKind, RiskStatus, Treatment
from openisms.risk.services import methodology as methods
from openisms.risk.services.risks import ACCEPTANCE_KIND

CSV_TYPE = "text/csv; charset=utf-8"
SHEET_TITLES = {C.ASSETS: "Assets", C.RISKS: "Risks", C.PLAN: "Treatment plan"}


def filename(kind: str, slug: str, fmt: str, day: dt.date | None = None) -> str:
    return f"{kind}-{slug}-{(day or timezone.localdate()).isoformat()}.{fmt}"


def rows(kind: str, filters: dict[str, str] | None = None) -> list[list[Any]]:
    """The export's rows (without the header), read in a fixed number of queries.

    ``filters`` (the register page's, see ``selectors.RISK_FILTERS``) narrow the risk register.
    """
    if kind == C.RISKS:
        return _risk_rows(filters)
    return {C.ASSETS: _asset_rows, C.PLAN: _plan_rows}[kind]()


def export_filters(query: Any) -> dict[str, str]:
    """The register filters given in ``query`` (a request's GET, the API's query), and no more."""
    return {
        key: str(query.get(key) or "").strip()[:100]
        for key in selectors.RISK_FILTERS
        if str(query.get(key) or "").strip()
    }


def person(who: Any) -> str:
    """A person (or login, or role) as exports name them: ``identity.display_name``."""
    return display_name(who)


def role_label(role: str) -> str:
    return Role(role).label if role in Role.values else role


def _links(field: Any, source: str, target: str) -> dict[Any, list[str]]:
    """All (source id → target refs) pairs of an M2M field of the current organisation.

    One join filtered by organisation instead of prefetch_related's ``IN (…)`` list: with tens
    of thousands of rows that list is slow on SQLite (minutes) and heavy on PostgreSQL.
    """
    pairs: dict[Any, list[str]] = {}
    target_model = field.through._meta.get_field(target).related_model
    through = field.through.objects.filter(
        **{f"{source}__organisation": require_org()}, **live_filter(target_model, f"{target}__")
    )
    for key, ref in through.values_list(f"{source}_id", f"{target}__ref").iterator(chunk_size=5000):
        pairs.setdefault(key, []).append(ref)
    return pairs


def _asset_rows() -> list[list[Any]]:
    qs = selectors.asset_inventory()
    depends = _links(Asset.depends_on, "from_asset", "to_asset")
    return [
        [
            a.ref,
            a.name,
            a.type,
            a.description,
            person(a.owned_by),
            person(a.custodian),
            a.location,
            a.classification.name if a.classification else "",
            a.confidentiality,
            a.integrity,
            a.availability,
            a.lifecycle,
            ", ".join(sorted(a.tags or [])),
            ", ".join(sorted(depends.get(a.pk, []))),
        ]  # fmt: skip
        for a in qs.iterator(chunk_size=2000)
    ]


def _risk_rows(filters: dict[str, str] | None = None) -> list[list[Any]]:
    method = methods.current().method
    qs = selectors.risk_register(filters)
    assets = _links(Risk.assets, "risk", "asset")
    controls = _links(Risk.controls, "risk", "requirement")
    control_order = dict(
        Requirement.objects.filter(framework__slug="iso27001-2022").values_list("ref", "order")
    )
    signed = signed_acceptances()
    kinds, statuses = dict(RiskKind.choices), dict(RiskStatus.choices)
    treatments = dict(Treatment.choices)

    def level(key: str) -> str:
        found = method.level(key) if key else None
        return found.name if found else key

    def acceptance(r: Risk) -> list[str]:
        if r.status != RiskStatus.ACCEPTED:
            return ["", "", "", ""]
        if r.acceptance_imported:
            return [
                r.imported_accepted_by, r.imported_accepted_role, iso_moment(r.accepted_at),
                r.imported_acceptance_comment,
            ]  # fmt: skip
        who, role, at, comment = signed.get(str(r.pk), ("", "", None, ""))
        return [who, role, iso_moment(r.accepted_at or at), comment]

    return [
        [
            r.ref,
            kinds.get(r.kind, r.kind),
            r.title,
            r.description,
            ", ".join(sorted(assets.get(r.pk, []))),
            r.threat.name if r.threat else "",
            r.vulnerability.name if r.vulnerability else "",
            person(r.owner),
            r.existing_controls,
            r.inherent_likelihood,
            r.inherent_impact,
            level(r.inherent_level),
            treatments.get(r.treatment, r.treatment),
            r.treatment_rationale,
            ", ".join(sorted(controls.get(r.pk, []), key=lambda c: (control_order.get(c, 0), c))),
            r.other_controls,
            r.residual_likelihood,
            r.residual_impact,
            level(r.residual_level),
            statuses.get(r.status, r.status),
            r.next_review,
            *acceptance(r),
        ]  # fmt: skip
        for r in qs.iterator(chunk_size=2000)
    ]


def signed_acceptances() -> dict[str, tuple[str, str, Any, str]]:
    """Risk id → (who, role, when, comment) of its latest acceptance signed in OpenISMS.

    One query for the whole register, as plain values.
    """
    found: dict[str, tuple[str, str, Any, str]] = {}
    rows = (
        Approval.objects.filter(
            subject_type=object_type(Risk), kind=ACCEPTANCE_KIND, decision=Decision.APPROVED
        )
        .order_by("decided_at")
        .values_list(
            "subject_id",
            "approver__username",
            "approver__first_name",
            "approver__last_name",
            "approver_role",
            "decided_at",
            "comment",
        )  # fmt: skip
    )
    for subject, username, first, last, role, at, comment in rows.iterator(chunk_size=5000):
        name = f"{first or ''} {last or ''}".strip() or username
        found[subject] = (name, role_label(role), at, comment)  # the latest one wins
    return found


def _plan_rows() -> list[list[Any]]:
    qs = (
        selectors.treatment_plan_actions()
        .select_related("risk__owner")
        .order_by("due_date", "risk__ref", "created_at", "title", "pk")
    )
    return [
        [
            a.risk.ref,
            a.risk.title,
            person(a.risk.owner),
            a.title,
            person(a.owner),
            a.due_date,
            a.get_status_display(),
            f"{a.control.ref} {a.control.title}" if a.control else "",
            "yes" if a.is_overdue else "no",
        ]  # fmt: skip
        for a in qs
    ]


def headers(kind: str) -> list[str]:
    return [c.header for c in C.columns(kind)]


# --- CSV -------------------------------------------------------------------------------


class _Line:
    """A file-like sink that hands back what csv.writer just wrote."""

    def __init__(self) -> None:
        self.value = ""

    def write(self, text: str) -> None:
        self.value = text


def csv_lines(kind: str, data: list[list[Any]]) -> Iterator[bytes]:
    """UTF-8 with a BOM (so Excel reads the accents), one encoded line at a time."""
    sink = _Line()
    writer = csv.writer(sink, lineterminator="\r\n")
    writer.writerow(headers(kind))
    yield ("\ufeff" + sink.value).encode("utf-8")
    for row in data:
        writer.writerow([_csv_value(v) for v in row])
        yield sink.value.encode("utf-8")


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return neutralise(value)


def to_csv(
    kind: str, data: list[list[Any]] | None = None, *, filters: dict[str, str] | None = None
) -> bytes:
    """A clean table (header row, then rows) that the importer reads back: the header block
    of the XLSX is left out, as comment lines would break other readers of the file."""
    return b"".join(csv_lines(kind, rows(kind, filters) if data is None else data))


# --- XLSX ------------------------------------------------------------------------------


def to_xlsx(
    kind: str, data: list[list[Any]] | None = None, *, filters: dict[str, str] | None = None
) -> bytes:
    """The register and the plan open with a header block (:mod:`.header_block`) above the
    table; the importer skips it, so the file imports as it is."""
    data = rows(kind, filters) if data is None else data
    if kind == C.ASSETS:
        return _plain_xlsx(kind, data)
    from openisms.risk.io.header_block import preamble

    return table_xlsx(
        SHEET_TITLES[kind],
        headers(kind),
        data,
        widths=[c.width for c in C.columns(kind)],
        preamble=preamble(kind, len(data), filters),
    )


def _plain_xlsx(kind: str, data: list[list[Any]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    cols = C.columns(kind)
    # Write-only mode streams rows instead of holding a cell object per value: about half
    # the time and a fraction of the memory for a 50,000-risk register.
    book = Workbook(write_only=True)
    sheet = book.create_sheet(SHEET_TITLES[kind])
    for index, column in enumerate(cols, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(column.width, len(column.header) + 3)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{len(data) + 1}"
    bold = Font(bold=True)

    def header_cell(text: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        return cell

    sheet.append([header_cell(h) for h in headers(kind)])
    date_columns = {i for i, column in enumerate(cols) if column.kind == C.DATE}

    def value(i: int, v: Any) -> Any:
        if isinstance(v, str):
            return ILLEGAL_CHARACTERS_RE.sub("", v)
        if i in date_columns and v is not None:
            cell = WriteOnlyCell(sheet, value=v)
            cell.number_format = "yyyy-mm-dd"
            return cell
        return v

    for row in data:
        sheet.append([value(i, v) for i, v in enumerate(map(neutralise, row))])
    return save_workbook(book, f"{SHEET_TITLES[kind]} export")
