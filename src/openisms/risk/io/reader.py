"""Reading uploaded spreadsheets (.xlsx, .csv) into plain rows, refusing anything else.

Formulas are never evaluated: workbooks are opened with ``data_only=False`` so a formula comes
back as its text, and the importer refuses the cell. Nothing here touches the database.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
MAX_COLUMNS = 60
MAX_UNZIPPED = 100 * 1024 * 1024  # a 5 MB workbook that inflates beyond this is a zip bomb
ZIP_MAGIC = b"PK\x03\x04"
BOM = "\ufeff"
WRONG_TYPE = "Upload an .xlsx or .csv file."
HEADER_BLOCK_START = "Organisation"  # the first label of an export's header block


class FileRejected(ValueError):
    """The file as a whole cannot be imported (type, size, encoding, shape)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Formula:
    """A cell holding a formula: kept as text so it can be reported, never evaluated."""

    text: str


@dataclass
class Row:
    number: int  # as the spreadsheet shows it: the header is row 1
    cells: list[Any]  # one per header
    stray: bool = False  # values to the right of the last header


@dataclass
class Table:
    headers: list[str]
    rows: list[Row] = field(default_factory=list)


def file_format(filename: str) -> str:
    suffix = PurePath(filename or "").suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise FileRejected(WRONG_TYPE)
    return suffix[1:]


def check_size(size: int) -> None:
    if size > MAX_BYTES:
        raise FileRejected(
            f"The file is {size / 1024 / 1024:.1f} MB; the limit is "
            f"{MAX_BYTES // 1024 // 1024} MB. Split it into smaller files."
        )


def read_table(filename: str, data: bytes) -> Table:
    """The header row and the non-blank data rows of the file's first sheet."""
    fmt = file_format(filename)
    check_size(len(data))
    raw = _read_xlsx(data) if fmt == "xlsx" else _read_csv(data)
    return _shape(raw)


def _shape(raw: list[list[Any]]) -> Table:
    first = _after_header_block(raw)
    numbered = [
        (n, cells) for n, cells in enumerate(raw, start=1) if n >= first and not _blank(cells)
    ]
    if not numbered:
        raise FileRejected("The file is empty: put the column headers in the first row.")
    header_row, headers = numbered[0]
    if header_row != first:
        raise FileRejected("Put the column headers in the first row (it is empty).")
    names = [
        "" if h is None else str(h.text if isinstance(h, Formula) else h).strip() for h in headers
    ]
    while names and not names[-1]:
        names.pop()
    if len(names) > MAX_COLUMNS:
        raise FileRejected(f"The file has {len(names)} columns; at most {MAX_COLUMNS} are read.")
    width = len(names)
    rows = [
        Row(n, list(cells[:width]) + [None] * (width - len(cells)), not _blank(cells[width:]))
        for n, cells in numbered[1:]
    ]
    if not rows:
        raise FileRejected("The file has column headers but no rows to import.")
    if len(rows) > MAX_ROWS:
        raise FileRejected(f"The file has {len(rows)} rows; import at most {MAX_ROWS} at a time.")
    return Table(headers=names, rows=rows)


def _after_header_block(raw: list[list[Any]]) -> int:
    """The row the table starts on: 1, or the row after an export's header block.

    OpenISMS's XLSX exports open with "Organisation | name" and further label/value lines, then
    an empty row, then the table. Only that exact shape is skipped, so a sheet whose headers
    are in row 1 is always read from row 1.
    """
    if not raw or _text(raw[0][0] if raw[0] else None) != HEADER_BLOCK_START:
        return 1
    for index, cells in enumerate(raw):
        if _blank(cells):
            return index + 2 if index else 1
        if sum(1 for c in cells if not _blank([c])) > 2:
            return 1
    return 1


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _blank(cells: list[Any]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _read_xlsx(data: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook

    if not data.startswith(ZIP_MAGIC):
        raise FileRejected(f"{WRONG_TYPE} This one is not an Excel workbook.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise FileRejected(f"{WRONG_TYPE} This one is not an Excel workbook.")
    if inflated > MAX_UNZIPPED:
        raise FileRejected("The workbook expands to too much data to read safely.")
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a damaged or foreign zip
        raise FileRejected(f"{WRONG_TYPE} This workbook could not be opened.")
    try:
        if not book.worksheets:
            raise FileRejected("The workbook has no sheet.")
        rows: list[list[Any]] = []
        for row in book.worksheets[0].iter_rows():
            rows.append([_xlsx_value(cell) for cell in row])
            if len(rows) > MAX_ROWS + 1 and not _blank(rows[-1]):
                raise FileRejected(f"The file has more than {MAX_ROWS} rows; split it.")
        return rows
    finally:
        book.close()


def _xlsx_value(cell: Any) -> Any:
    value = cell.value
    if cell.data_type == "f":
        return Formula(getattr(value, "text", None) or str(value))
    if isinstance(value, str) and value.startswith("="):
        return Formula(value)
    return value


def _read_csv(data: bytes) -> list[list[Any]]:
    if data.startswith(ZIP_MAGIC) or data.startswith(b"%PDF"):
        raise FileRejected(f"{WRONG_TYPE} This one is not a CSV text file.")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise FileRejected("The CSV file is not UTF-8 text. In Excel choose Save As → “CSV UTF-8”.")
    text = text.removeprefix(BOM)
    delimiter = _delimiter(text)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
        rows = []
        for row in reader:
            rows.append([Formula(v) if v.startswith("=") else (v or None) for v in row])
            if len(rows) > MAX_ROWS + 1:
                raise FileRejected(f"The file has more than {MAX_ROWS} rows; split it.")
        return rows
    except csv.Error as exc:
        raise FileRejected(f"The CSV file could not be read: {exc}.")


def _delimiter(text: str) -> str:
    """Comma or semicolon (what Excel writes where the comma is the decimal sign)."""
    first = text.split("\n", 1)[0]
    counts = {}
    for candidate in (",", ";"):
        counts[candidate] = len(next(csv.reader([first], delimiter=candidate), []))
    return ";" if counts[";"] > counts[","] else ","
