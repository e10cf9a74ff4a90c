"""What every spreadsheet export shares: formula-injection neutralising and reproducible XLSX.

Text a spreadsheet would run as a formula (= + - @, tab, CR) gets a leading quote. Workbooks are
written with fixed ZIP entry times and document properties, so two exports of the same records
are byte-identical.
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


def table_xlsx(
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    widths: Sequence[int] | None = None,
    preamble: Sequence[tuple[str, Any]] = (),
) -> bytes:
    """One sheet: an optional block of ``(label, value)`` lines, then a bold header and rows.

    Every cell goes through :func:`neutralise`; dates get a date format.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    for index, header in enumerate(headers, start=1):
        width = widths[index - 1] if widths and index <= len(widths) else 18
        sheet.column_dimensions[get_column_letter(index)].width = max(width, len(header) + 3)
    bold = Font(bold=True)

    def cell(value: Any, *, strong: bool = False) -> Any:
        value = neutralise(value)
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        c = WriteOnlyCell(sheet, value=value)
        if strong:
            c.font = bold
        if isinstance(value, dt.date | dt.datetime):
            c.number_format = (
                "yyyy-mm-dd" if not isinstance(value, dt.datetime) else "yyyy-mm-dd hh:mm"
            )
        return c

    for label, value in preamble:
        sheet.append([cell(label, strong=True), cell(value)])
    if preamble:
        sheet.append([])
    header_row = len(preamble) + (2 if preamble else 1)
    sheet.freeze_panes = f"A{header_row + 1}"
    sheet.append([cell(h, strong=True) for h in headers])
    count = 0
    for row in rows:
        sheet.append([cell(v) for v in row])
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
