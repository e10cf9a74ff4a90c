"""What every spreadsheet export shares: formula-injection neutralising and reproducible XLSX.

Text a spreadsheet would run as a formula (= + - @, tab, CR) gets a leading quote. Workbooks are
written with fixed ZIP entry times and document properties, so two exports of the same records
are byte-identical. Every table sheet wraps its text, freezes and filters its header row and
prints landscape, one page wide, with the header row repeated on each page (:func:`print_layout`).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Sequence
from typing import Any

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_TYPE = "application/pdf"
ESCAPED = ("=", "+", "-", "@", "\t", "\r")
FIXED_TIME = (2000, 1, 1, 0, 0, 0)  # ZIP entry times: the bytes must not depend on the clock
# What a file says when it is not the approved (in force) version of what it shows.
DRAFT_MARK = "DRAFT — not approved"


def watermark_of(marking: str) -> str:
    """The big diagonal word(s) of a marking: "DRAFT" of "DRAFT — not approved"."""
    return marking.split(" — ")[0].strip()


def neutralise(value: Any) -> Any:
    """Text a spreadsheet would run as a formula gets a leading quote (CSV/formula injection)."""
    if isinstance(value, str) and value.startswith(ESCAPED):
        return "'" + value
    return value


class FixedTimeZip(zipfile.ZipFile):
    """openpyxl stamps every ZIP entry with the current time; stamp a constant instead."""

    def writestr(self, zinfo_or_arcname: Any, data: Any, *args: Any, **kwargs: Any) -> None:
        if isinstance(zinfo_or_arcname, str):
            zinfo_or_arcname = self._info(zinfo_or_arcname)
        super().writestr(zinfo_or_arcname, data, *args, **kwargs)

    def write(self, filename: Any, arcname: Any = None, *args: Any, **kwargs: Any) -> None:
        with open(filename, "rb") as handle:
            self.writestr(self._info(arcname or str(filename)), handle.read())

    @staticmethod
    def _info(name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o600 << 16
        return info


def save_workbook(book: Any, title: str) -> bytes:
    """Serialise an openpyxl workbook reproducibly."""
    from openpyxl.writer.excel import ExcelWriter

    stamp = dt.datetime(*FIXED_TIME)
    book.properties.creator = "OpenISMS"
    book.properties.title = title
    book.properties.created = book.properties.modified = stamp
    buffer = io.BytesIO()
    archive = FixedTimeZip(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    # ExcelWriter directly: openpyxl's save() would overwrite ``modified`` with now().
    ExcelWriter(book, archive).save()
    return buffer.getvalue()


LINE_HEIGHT = 15.0  # points per line of 11 pt Calibri, the workbook's default font
MAX_ROW_HEIGHT = 409.0  # Excel's limit


def wrap_by_default(book: Any) -> Any:
    """Make text wrap, top-aligned, in every cell written without a style of its own, and
    return the column format that says the same to LibreOffice.

    Excel gives such cells format 0, LibreOffice the column's format, so both are set to wrap:
    format 0 here, the column format by :func:`wrap_columns`. Wrapping then costs nothing per
    cell (styling 50,000 × 20 cells one by one adds seconds to a large export). openpyxl has
    no public setting for format 0, hence the two private lists (checked by the export tests).
    """
    from openpyxl.styles import Alignment
    from openpyxl.styles.cell_style import StyleArray
    from openpyxl.utils.indexed_list import IndexedList

    default = StyleArray()
    default.alignmentId = book._alignments.add(Alignment(wrap_text=True, vertical="top"))
    book._cell_styles = IndexedList([default])
    # Not equal to format 0 (openpyxl would omit a column format 0), the same to the eye.
    return Alignment(wrap_text=True, vertical="top", horizontal="general")


def wrap_columns(sheet: Any, widths: Sequence[float], alignment: Any) -> None:
    from openpyxl.utils import get_column_letter

    for index, width in enumerate(widths, start=1):
        column = sheet.column_dimensions[get_column_letter(index)]
        column.width = width
        column.alignment = alignment


def row_height(values: Sequence[Any], widths: Sequence[float]) -> float | None:
    """The height a row of wrapped text needs, in points; None for one line.

    Neither Excel nor LibreOffice can be relied on to fit rows to wrapped text when opening a
    file (LibreOffice does not), so the height is estimated: a unit of column width is the
    width of a digit, most letters are narrower, so about 1.1 characters per unit; whole
    lines, at most Excel's maximum row height.
    """
    lines = 1
    for value, width in zip(values, widths, strict=False):
        text = value if isinstance(value, str) else ""
        per_line = max(int(width * 1.1), 1)
        if len(text) > per_line or "\n" in text:
            need = sum(max(1, -(-len(part) // per_line)) for part in text.split("\n"))
            lines = max(lines, need)
    if lines == 1:
        return None
    return min(lines * LINE_HEIGHT, MAX_ROW_HEIGHT)


def header_footer_text(value: str) -> str:
    """Text for a sheet's printed header or footer: ``&`` starts a code there, so it is doubled;
    Excel refuses a section over 255 characters."""
    return value.replace("&", "&&")[:120]


def print_layout(sheet: Any, *, header_row: int, title: str, marking: str = "") -> None:
    """How a table sheet prints: landscape A4, one page wide (as many pages tall as it takes),
    the header row repeated on every page, the title (and a marking such as DRAFT) in the page
    header and "Page x of y" in the footer.

    Works on write-only sheets too: call it before the first row is appended (the fit-to-page
    flag is written with the sheet's first bytes; the rest is written at the end).
    """
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = "9"  # A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.7
    sheet.page_margins.header = sheet.page_margins.footer = 0.3
    head, foot = sheet.HeaderFooter.oddHeader, sheet.HeaderFooter.oddFooter
    head.left.text = header_footer_text(title)
    foot.right.text = "Page &P of &N"
    if marking:
        head.center.text = foot.center.text = header_footer_text(marking)
        head.center.font = foot.center.font = "-,Bold"
        head.center.color = foot.center.color = "C00000"


def table_xlsx(
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    widths: Sequence[int] | None = None,
    preamble: Sequence[tuple[str, Any]] = (),
    marking: str = "",
) -> bytes:
    """One sheet: an optional block of ``(label, value)`` lines, then a bold header and rows.

    Every cell goes through :func:`neutralise`; dates get a date format; text wraps and rows
    are as tall as their text needs. The header row is frozen, filtered and repeated on every
    printed page; the sheet prints landscape, one page wide. ``marking`` (e.g.
    :data:`DRAFT_MARK`) opens the header block and is printed in the page header and footer.
    Written in write-only mode: 50,000 rows stream without holding the sheet in memory.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    column_format = wrap_by_default(book)
    sheet = book.create_sheet(title[:31])
    columns = [
        max(widths[i] if widths and i < len(widths) else 18, len(header) + 3)
        for i, header in enumerate(headers)
    ]
    wrap_columns(sheet, columns, column_format)
    bold, top = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    red = Font(bold=True, color="C00000", size=14)
    # A line of its own (the title, the marking) runs on into the empty cells beside it.
    overflow = Alignment(wrap_text=False, vertical="top")

    def styled(value: Any, font: Any = None, *, wrap: bool = True) -> Any:
        c = WriteOnlyCell(sheet, value=value)
        c.alignment = top if wrap else overflow
        if font is not None:
            c.font = font
        if isinstance(value, dt.datetime):
            c.number_format = "yyyy-mm-dd hh:mm"
        elif isinstance(value, dt.date):
            c.number_format = "yyyy-mm-dd"
        return c

    def clean(value: Any) -> Any:
        value = neutralise(value)
        return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value

    def cell(value: Any, *, strong: bool = False) -> Any:
        value = clean(value)
        # Plain values take the wrapping default format; only bold text and dates need a cell
        # object of their own.
        if strong or isinstance(value, dt.date):
            return styled(value, bold if strong else None)
        return value

    number = 0

    def append(values: list[Any], texts: Sequence[Any], height: float | None = None) -> None:
        nonlocal number
        number += 1
        height = height or row_height(texts, columns)
        if height:
            # The writer reads a row's attributes from this mapping as it streams the row;
            # dropped right after, so 50,000 rows keep no per-row state.
            sheet.row_dimensions[number] = {"ht": f"{height:g}", "customHeight": "1"}
        sheet.append(values)
        if height:
            del sheet.row_dimensions[number]

    lines = [(marking, "")] if marking else []
    lines += list(preamble)
    header_row = len(lines) + (2 if lines else 1)
    sheet.freeze_panes = f"A{header_row + 1}"
    print_layout(sheet, header_row=header_row, title=title, marking=marking)
    for index, (label, value) in enumerate(lines):
        if marking and index == 0:
            append([styled(clean(label), red, wrap=False)], [], height=LINE_HEIGHT * 1.4)
        elif value in ("", None):
            append([styled(clean(label), bold, wrap=False)], [])
        else:
            append([cell(label, strong=True), cell(value)], [label, value])
    if lines:
        append([], [])
    append([cell(h, strong=True) for h in headers], headers)
    count = 0
    for row in rows:
        values = [cell(v) for v in row]
        append(values, values)
        count += 1
    sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(len(headers))}{header_row + count}"
    return save_workbook(book, title)


# --- `openisms export KIND` ------------------------------------------------------------------


class CliExport:
    """One kind of ``openisms export``: its formats and the function producing the bytes.

    ``produce(org, fmt, options)`` runs inside the organisation's context and returns the file
    content and a one-line summary; ``options`` holds ``ref`` and ``version`` when given.
    """

    def __init__(
        self, kind: str, formats: Sequence[str], produce: Any, help: str, needs_ref: bool = False
    ) -> None:
        self.kind, self.formats, self.produce, self.help = kind, tuple(formats), produce, help
        self.needs_ref = needs_ref


CLI_EXPORTS: dict[str, CliExport] = {}


def register_cli_export(export: CliExport) -> None:
    CLI_EXPORTS[export.kind] = export
