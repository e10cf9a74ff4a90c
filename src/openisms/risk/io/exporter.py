"""Exports of the asset inventory, the risk register and the treatment plan (XLSX and CSV).

The columns are the importer's own (see :mod:`.columns`), so an export can be edited and
imported back. Text that a spreadsheet would read as a formula (= + - @, tab, CR) is prefixed
with a quote. The output depends only on the data: two exports of the same records are
byte-identical (fixed workbook times, fixed ZIP entry times, stable ordering).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.utils import timezone

from openisms.catalogue.models import Requirement
from openisms.core.context import require_org
from openisms.core.exports import XLSX_TYPE, neutralise, save_workbook  # noqa: F401
from openisms.risk import selectors
from openisms.risk.io import columns as C
from openisms.risk.models import Asset, Risk
from openisms.risk.services import methodology as methods

CSV_TYPE = "text/csv; charset=utf-8"
SHEET_TITLES = {C.ASSETS: "Assets", C.RISKS: "Risks", C.PLAN: "Treatment plan"}


def filename(kind: str, slug: str, fmt: str, day: dt.date | None = None) -> str:
    return f"{kind}-{slug}-{(day or timezone.localdate()).isoformat()}.{fmt}"


def rows(kind: str) -> list[list[Any]]:
    """The export's rows (without the header), read in a fixed number of queries."""
    return {C.ASSETS: _asset_rows, C.RISKS: _risk_rows, C.PLAN: _plan_rows}[kind]()


def _username(user: Any) -> str:
    return user.get_username() if user else ""


def _links(field: Any, source: str, target: str) -> dict[Any, list[str]]:
    """All (source id → target refs) pairs of an M2M field of the current organisation.

    One join filtered by organisation instead of prefetch_related's ``IN (…)`` list: with tens
    of thousands of rows that list is slow on SQLite (minutes) and heavy on PostgreSQL.
    """
    pairs: dict[Any, list[str]] = {}
    through = field.through.objects.filter(**{f"{source}__organisation": require_org()})
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
            _username(a.owner),
            _username(a.custodian),
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


def _risk_rows() -> list[list[Any]]:
    method = methods.current().method
    qs = selectors.risk_register()
    assets = _links(Risk.assets, "risk", "asset")
    controls = _links(Risk.controls, "risk", "requirement")
    control_order = dict(
        Requirement.objects.filter(framework__slug="iso27001-2022").values_list("ref", "order")
    )

    def level(key: str) -> str:
        found = method.level(key) if key else None
        return found.name if found else key

    return [
        [
            r.ref,
            r.kind,
            r.title,
            r.description,
            ", ".join(sorted(assets.get(r.pk, []))),
            r.threat.code if r.threat else "",
            r.vulnerability.code if r.vulnerability else "",
            _username(r.owner),
            r.existing_controls,
            r.inherent_likelihood,
            r.inherent_impact,
            level(r.inherent_level),
            r.treatment,
            r.treatment_rationale,
            ", ".join(sorted(controls.get(r.pk, []), key=lambda c: (control_order.get(c, 0), c))),
            r.other_controls,
            r.residual_likelihood,
            r.residual_impact,
            level(r.residual_level),
            r.status,
            r.next_review,
        ]  # fmt: skip
        for r in qs.iterator(chunk_size=2000)
    ]


def _plan_rows() -> list[list[Any]]:
    qs = selectors.treatment_plan_actions().order_by(
        "due_date", "risk__ref", "created_at", "title", "pk"
    )
    return [
        [
            a.risk.ref,
            a.risk.title,
            a.title,
            _username(a.owner),
            a.due_date,
            a.get_status_display(),
            a.control.ref if a.control else "",
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


def to_csv(kind: str, data: list[list[Any]] | None = None) -> bytes:
    return b"".join(csv_lines(kind, rows(kind) if data is None else data))


# --- XLSX ------------------------------------------------------------------------------


def to_xlsx(kind: str, data: list[list[Any]] | None = None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    data = rows(kind) if data is None else data
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
