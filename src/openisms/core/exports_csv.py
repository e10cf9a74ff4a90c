"""CSV for spreadsheets: the encoding and quoting Excel and LibreOffice both open without asking.

- UTF-8 **with a byte-order mark**: Excel reads a BOM-less CSV in the machine's legacy code page
  (accents turn into mojibake); LibreOffice's import dialog and Python's ``utf-8-sig`` take the
  BOM in stride. (A headless ``soffice --convert-to`` asks for no charset and guesses Latin-1
  with or without a BOM: give it ``--infilter=CSV:44,34,76``.)
- Comma separator, every line ended by CRLF (RFC 4180), fields quoted only where needed.
- Text a spreadsheet would run as a formula gets a leading quote (``core.exports.neutralise``).
- Dates as ISO 8601 (``2026-12-07``), datetimes as ``2026-12-07 14:05 UTC``; ``None`` is empty.

No header block: a CSV is one table that scripts and imports read from its first line; the
organisation and generation time go into the XLSX header block and the file name.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from typing import Any

from openisms.core.exports import neutralise

CSV_TYPE = "text/csv; charset=utf-8"
BOM = "\ufeff"


def iso(value: Any) -> Any:
    """A date or datetime as ISO 8601 text (datetimes in UTC, to the minute); others as given."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
        return value.strftime("%Y-%m-%d %H:%M UTC")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return neutralise(iso(value))


def table_csv(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """One table: a header line, then the rows (see the module docstring for the format)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([csv_value(h) for h in headers])
    for row in rows:
        writer.writerow([csv_value(v) for v in row])
    return (BOM + buffer.getvalue()).encode("utf-8")
