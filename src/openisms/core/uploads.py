"""Checked file uploads, shared by every module that stores files (documents, evidence).

The file's *content* decides what it is (magic bytes, the parts list of an office archive), not
its name or the browser's content type; the name's extension must agree with it, so a disguised
file (HTML called ``.pdf``, a program called ``.pdf``, a ZIP called ``.docx``) is refused. HTML,
SVG, scripts and executables are never accepted. The user's name is for display only: callers
store the file under a name of their own (the record's id) and serve it only as a download with
``nosniff``.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zipfile
from collections.abc import Mapping
from typing import IO, Any

from django.core.exceptions import ValidationError

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
# kind → (MIME type stored and served, what to call it in messages)
KINDS: dict[str, tuple[str, str]] = {
    "pdf": ("application/pdf", "a PDF document"),
    "docx": (DOCX, "a Word document (.docx)"),
    "xlsx": (XLSX, "an Excel workbook (.xlsx)"),
    "odt": (ODT, "an OpenDocument text (.odt)"),
    "ods": (ODS, "an OpenDocument spreadsheet (.ods)"),
    "png": ("image/png", "a PNG image"),
    "jpeg": ("image/jpeg", "a JPEG image"),
    "text": ("text/plain; charset=utf-8", "plain text"),
}
# Text files are all "text" to the sniffer; these extensions are served with a narrower type.
TEXT_TYPES = {"csv": "text/csv; charset=utf-8"}
EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xfe\xed\xfa", b"\xcf\xfa\xed\xfe")
# Markup a browser would run if the file were ever shown inline; refused in "plain text".
MARKUP = re.compile(
    rb"<\s*(script|html|svg|iframe|object|embed|body|head|meta|link|style|xml|!doctype|\?xml)\b",
    re.IGNORECASE,
)
MACRO_PARTS = ("vbaproject.bin", "basic/", "scripts/")
OPENDOCUMENT = {ODT.encode(): "odt", ODS.encode(): "ods"}


class FileRefused(ValidationError):
    """An upload that is not stored; the message says why and what would be accepted."""

    def __init__(self, message: str) -> None:
        super().__init__({"file": message})


def safe_name(name: str) -> str:
    """The user's file name for display and the download, refused if it names a path."""
    name = unicodedata.normalize("NFC", name or "").strip()
    if not name:
        raise FileRefused("The file has no name.")
    if (
        any(c in name for c in "/\\\x00")
        or name.startswith(".")
        or ".." in name
        or any(unicodedata.category(c) in ("Cc", "Cf") for c in name)
    ):
        raise FileRefused(
            f"The file name “{name[:80]}” contains a folder, “..” or control characters; "
            "rename the file to a plain name such as policy.pdf."
        )
    if len(name) > 200:
        stem, _, ext = name.rpartition(".")
        name = f"{stem[: 190 - len(ext)]}.{ext}" if stem else name[:200]
    return name


def _zip_kind(upload: IO[bytes]) -> str | None:
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
            lower = [n.lower() for n in names]
            if any(part in n for n in lower for part in MACRO_PARTS):
                raise FileRefused(
                    "The document contains macros; save it as a macro-free .docx/.xlsx/.odt."
                )
            if "mimetype" in names:
                with archive.open("mimetype") as fh:
                    found = OPENDOCUMENT.get(fh.read(100).strip())
                    if found:
                        return found
            if "[Content_Types].xml" in names:
                if any(n.startswith("word/") for n in names):
                    return "docx"
                if any(n.startswith("xl/") for n in names):
                    return "xlsx"
    except (zipfile.BadZipFile, OSError, RuntimeError, EOFError):
        return None
    return None


def _text_kind(upload: IO[bytes]) -> str | None:
    upload.seek(0)
    data = upload.read()
    if b"\x00" in data:
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    if any(unicodedata.category(c) == "Cc" and c not in "\t\n\r\f" for c in text):
        return None
    if MARKUP.search(data):
        raise FileRefused(
            "The file contains HTML, SVG or script markup; such files are not accepted. "
            "Attach a PDF instead."
        )
    return "text"


def detect(upload: IO[bytes]) -> str | None:
    """What the content is (a key of ``KINDS``), ``None`` if none of them; raises for the
    dangerous kinds so the message can say so."""
    upload.seek(0)
    head = upload.read(1024)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(upload)
    if head.startswith(EXECUTABLE_MAGIC) or head.startswith(b"#!"):
        raise FileRefused("The file is a program or script; only documents can be attached.")
    if MARKUP.match(head.lstrip()):
        raise FileRefused(
            "The file is HTML or SVG; such files are not accepted. Attach a PDF instead."
        )
    return _text_kind(upload)


def check_upload(
    upload: Any, *, max_bytes: int, extensions: Mapping[str, str], allowed_text: str
) -> dict[str, Any]:
    """Validate an upload: name, size (at most ``max_bytes``), and content, whose sniffed kind
    must be the one its extension promises (``extensions``: extension → kind of ``KINDS``).

    Returns ``name`` (display only), ``size``, ``type`` (from the content) and ``sha256``, or
    raises :class:`FileRefused`; ``allowed_text`` lists the accepted types in messages.
    """
    name = safe_name(getattr(upload, "name", "") or "")
    size = getattr(upload, "size", None) or 0
    if size == 0:
        raise FileRefused(f"“{name}” is empty; nothing was attached.")
    if size > max_bytes:
        raise FileRefused(
            f"“{name}” is {size / 1024 / 1024:.1f} MB; the limit is {max_bytes // 1024 // 1024} MB."
        )
    ext = name.rpartition(".")[2].lower() if "." in name else ""
    expected = extensions.get(ext)
    if expected is None:
        raise FileRefused(f"“{name}” is not a file type that can be attached: use {allowed_text}.")
    found = detect(upload)
    if found != expected:
        what = KINDS[found][1] if found else "none of the accepted types"
        raise FileRefused(
            f"“{name}” is called .{ext} but its content is {what}: files whose content does "
            f"not match their name are refused. Attach {KINDS[expected][1]}."
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in iter(lambda: upload.read(1024 * 1024), b""):
        digest.update(chunk)
    upload.seek(0)
    mime = TEXT_TYPES.get(ext, KINDS[found][0]) if found == "text" else KINDS[found][0]
    return {"name": name, "size": size, "type": mime, "sha256": digest.hexdigest()}
