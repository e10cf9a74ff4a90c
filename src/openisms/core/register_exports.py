"""Register exports as XLSX or CSV: one definition serves the page's download, the API route and
``openisms export KIND``.

A domain app describes a register once — :class:`RegisterKind` with a ``build()`` that reads the
current organisation in a fixed number of queries and returns a :class:`Register` — and calls
:func:`add`. The XLSX starts with a header block (organisation, what the register is and which
clause asks for it, when it was generated, and the register's own details such as a version);
the CSV is the bare table (see ``core.exports_csv``). Who may download: ``records.export``, as
for every other register export in the permission map.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone

from openisms.core.context import require_org
from openisms.core.exports import (
    XLSX_TYPE,
    CliExport,
    neutralise,
    print_layout,
    register_cli_export,
    save_workbook,
    table_xlsx,
    wrap_by_default,
)
from openisms.core.exports_csv import CSV_TYPE, iso, table_csv

FORMATS = ("xlsx", "csv")
CONTENT_TYPES = {"xlsx": XLSX_TYPE, "csv": CSV_TYPE}
EXPORT_ACTION = "records.export"


@dataclass
class Sheet:
    title: str
    headers: Sequence[str]
    rows: list[Sequence[Any]]
    widths: Sequence[int] | None = None


@dataclass
class Register:
    """What one export holds. ``csv`` names the table a CSV carries when there are several
    sheets (default: the first)."""

    what: str  # e.g. "Internal and external issues (ISO/IEC 27001:2022 clause 4.1)"
    sheets: list[Sheet]
    details: list[tuple[str, Any]] = field(default_factory=list)
    csv: Sheet | None = None
    summary: str = ""


@dataclass(frozen=True)
class RegisterKind:
    kind: str  # the CLI kind and the file name's stem, e.g. "interested-parties"
    build: Callable[[], Register]
    help: str


KINDS: dict[str, RegisterKind] = {}


def add(kind: RegisterKind) -> None:
    """Make ``kind`` downloadable: ``openisms export KIND`` and :func:`response`."""
    KINDS[kind.kind] = kind

    def produce(org: Any, fmt: str, options: dict[str, Any]) -> tuple[bytes, str]:
        register = kind.build()
        return render(register, fmt), register.summary or kind.help

    register_cli_export(CliExport(kind.kind, FORMATS, produce, f"{kind.help} as XLSX or CSV"))


# --- labels shared by the registers ------------------------------------------------------------


def generated_at(now: dt.datetime | None = None) -> str:
    return iso(now or timezone.now())


def name_of(who: Any) -> str:
    """How a person or login is named in a file: the full name; the username only where there
    is no name. Takes a ``Person`` (``full_name``) or a user; ``None`` is empty."""
    from openisms.people.identity import display_name

    return display_name(who)


def joined(values: Sequence[Any], sep: str = ", ") -> str:
    return sep.join(str(v) for v in values if v)


# --- rendering ---------------------------------------------------------------------------------


def header_block(register: Register) -> list[tuple[str, Any]]:
    org = require_org()
    return [
        ("Organisation", org.name),
        ("Register", register.what),
        ("Generated at", generated_at()),
        *register.details,
    ]


def render(register: Register, fmt: str) -> bytes:
    if fmt == "csv":
        sheet = register.csv or register.sheets[0]
        return table_csv(sheet.headers, sheet.rows)
    if fmt != "xlsx":
        raise ValueError(f"Unknown format: {fmt}")
    preamble = header_block(register)
    if len(register.sheets) == 1:
        sheet = register.sheets[0]
        widths = label_widths(sheet, preamble)
        return table_xlsx(sheet.title, sheet.headers, sheet.rows, widths=widths, preamble=preamble)
    return sheets_xlsx(register.sheets, preamble)


def label_widths(sheet: Sheet, preamble: Sequence[tuple[str, Any]]) -> list[int]:
    """The sheet's column widths with the first one wide enough for the header block's labels
    (a narrow "Ref" column would otherwise break "Organisation" over two lines)."""
    widths = list(sheet.widths or [18] * len(sheet.headers))
    longest = max((len(str(label)) for label, _ in preamble), default=0)
    widths[0] = max(widths[0], longest + 2)
    return widths


def sheets_xlsx(sheets: Sequence[Sheet], preamble: Sequence[tuple[str, Any]]) -> bytes:
    """Several tables, one per sheet, each under the same header block.

    ``core.exports.table_xlsx`` writes one sheet; this writes its cells the same way (neutralised
    text, date formats, bold header, frozen and filtered header row) and lays each sheet out
    for print with ``core.exports.print_layout``.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    wrap_by_default(book)
    bold, top = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    header_row = len(preamble) + 2
    for spec in sheets:
        sheet = book.create_sheet(spec.title[:31])

        def cell(value: Any, *, strong: bool = False, sheet: Any = sheet) -> Any:
            value = neutralise(value)
            if isinstance(value, str):
                value = ILLEGAL_CHARACTERS_RE.sub("", value)
            if not strong and not isinstance(value, dt.date):
                return value  # the workbook's default format wraps already
            c = WriteOnlyCell(sheet, value=value)
            c.alignment = top
            if strong:
                c.font = bold
            if isinstance(value, dt.datetime):
                c.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(value, dt.date):
                c.number_format = "yyyy-mm-dd"
            return c

        widths = label_widths(spec, preamble)
        for index, header in enumerate(spec.headers, start=1):
            width = widths[index - 1] if index <= len(widths) else 18
            sheet.column_dimensions[get_column_letter(index)].width = max(width, len(header) + 3)
        sheet.freeze_panes = f"A{header_row + 1}"
        print_layout(sheet, header_row=header_row, title=spec.title)
        for label, value in preamble:
            sheet.append([cell(label, strong=True), cell(value)])
        sheet.append([])
        sheet.append([cell(h, strong=True) for h in spec.headers])
        for row in spec.rows:
            sheet.append([cell(v) for v in row])
        last = get_column_letter(len(spec.headers))
        sheet.auto_filter.ref = f"A{header_row}:{last}{header_row + len(spec.rows)}"
    return save_workbook(book, sheets[0].title)


# --- downloads ----------------------------------------------------------------------------------


def filename(kind: str, fmt: str) -> str:
    return f"{kind}-{require_org().slug}-{timezone.now().date().isoformat()}.{fmt}"


def response(kind: str, fmt: str) -> HttpResponse:
    """The register ``kind`` of the current organisation as a file to download."""
    if kind not in KINDS or fmt not in FORMATS:
        raise Http404("No such export.")
    content = render(KINDS[kind].build(), fmt)
    answer = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    answer["Content-Disposition"] = f'attachment; filename="{filename(kind, fmt)}"'
    answer["Cache-Control"] = "no-store"
    answer["X-Content-Type-Options"] = "nosniff"
    return answer


def export_view(kind: str) -> Callable[..., HttpResponse]:
    """A page view ``…/export.<fmt>`` for the URLconf (needs ``records.export``)."""
    from openisms.core.access import org_view

    @org_view(EXPORT_ACTION)
    def view(request: HttpRequest, fmt: str) -> HttpResponse:
        return response(kind, fmt)

    view.__name__ = view.__qualname__ = f"export_{kind.replace('-', '_')}"
    return view


def api_file_response(description: str) -> dict[str, Any]:
    """``openapi_extra`` of an API download: a 200 whose body is the XLSX or CSV file."""
    binary = {"type": "string", "format": "binary"}
    return {
        "responses": {
            200: {
                "description": description,
                "headers": {
                    "Content-Disposition": {
                        "description": 'attachment; filename="issues-acme-2026-12-07.xlsx"',
                        "schema": {"type": "string"},
                    }
                },
                "content": {XLSX_TYPE: {"schema": binary}, CSV_TYPE: {"schema": binary}},
            }
        }
    }
