"""Files attached to document versions: what may be stored, and how.

The file's *content* decides what it is (magic bytes, the parts list of an office archive), not
its name or the browser's content type; the name's extension must agree with it, so a disguised
file (HTML called ``.pdf``) is refused. HTML, SVG, scripts and executables are never accepted.
Stored under the model's ``upload_to`` name (the version's id), never under the user's name;
served only as a download (see the views) with ``nosniff``.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zipfile
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction

from openisms.documents.models import DocumentVersion

MAX_FILE_BYTES = 20 * 1024 * 1024
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"
# kind → (MIME type stored and served, what to call it in messages)
KINDS: dict[str, tuple[str, str]] = {
    "pdf": ("application/pdf", "a PDF document"),
    "docx": (DOCX, "a Word document (.docx)"),
    "xlsx": (XLSX, "an Excel workbook (.xlsx)"),
    "odt": (ODT, "an OpenDocument text (.odt)"),
    "png": ("image/png", "a PNG image"),
    "jpeg": ("image/jpeg", "a JPEG image"),
    "text": ("text/plain; charset=utf-8", "plain text"),
}
EXTENSIONS = {
    "pdf": "pdf", "docx": "docx", "xlsx": "xlsx", "odt": "odt", "png": "png", "jpg": "jpeg",
    "jpeg": "jpeg", "txt": "text", "md": "text",
}  # fmt: skip
ALLOWED_TEXT = (
    "PDF, Word (.docx), Excel (.xlsx), OpenDocument text (.odt), PNG, JPEG or plain text "
    "(.txt, .md)"
)
EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xfe\xed\xfa", b"\xcf\xfa\xed\xfe")
# Markup a browser would run if the file were ever shown inline; refused in "plain text".
MARKUP = re.compile(
    rb"<\s*(script|html|svg|iframe|object|embed|body|head|meta|link|style|xml|!doctype|\?xml)\b",
    re.IGNORECASE,
)
MACRO_PARTS = ("vbaproject.bin", "basic/", "scripts/")


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
                    if fh.read(100).strip() == ODT.encode():
                        return "odt"
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


def check_upload(upload: Any) -> dict[str, Any]:
    """Everything about an upload the version will store, or :class:`FileRefused`."""
    name = safe_name(getattr(upload, "name", "") or "")
    size = getattr(upload, "size", None) or 0
    if size == 0:
        raise FileRefused(f"“{name}” is empty; nothing was attached.")
    if size > MAX_FILE_BYTES:
        raise FileRefused(
            f"“{name}” is {size / 1024 / 1024:.1f} MB; the limit is "
            f"{MAX_FILE_BYTES // 1024 // 1024} MB."
        )
    ext = name.rpartition(".")[2].lower() if "." in name else ""
    expected = EXTENSIONS.get(ext)
    if expected is None:
        raise FileRefused(f"“{name}” is not a file type that can be attached: use {ALLOWED_TEXT}.")
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
    return {"name": name, "size": size, "type": KINDS[found][0], "sha256": digest.hexdigest()}


def _still_used(name: str, exclude: Any) -> bool:
    return DocumentVersion.objects.filter(file=name).exclude(pk=exclude).exists()


@transaction.atomic
def attach_file(version: DocumentVersion, upload: Any) -> DocumentVersion:
    """Attach (or replace) the file of a draft version. Nothing is stored if it is refused."""
    from openisms.documents.services.versions import require_draft

    require_draft(version)
    info = check_upload(upload)
    old = version.file.name if version.file else ""
    storage = version.file.storage
    # The name comes from upload_to (the version's id); the user's name is only displayed.
    version.file.save(f"{version.pk}.bin", File(upload), save=False)
    stored = version.file.name
    version.file_name, version.file_size = info["name"], info["size"]
    version.file_type, version.file_sha256 = info["type"], info["sha256"]
    try:
        version.save()
    except Exception:
        storage.delete(stored)
        raise
    if old and old != stored and not _still_used(old, version.pk):
        # A new version shares its predecessor's file until it gets its own; only then is
        # the draft's previous upload dropped.
        transaction.on_commit(lambda: storage.delete(old))
    return version


@transaction.atomic
def remove_file(version: DocumentVersion) -> DocumentVersion:
    from openisms.documents.services.versions import require_draft

    require_draft(version)
    if not version.file:
        return version
    old, storage = version.file.name, version.file.storage
    version.file = ""
    version.file_name = version.file_type = version.file_sha256 = ""
    version.file_size = None
    version.save()
    if not _still_used(old, version.pk):
        transaction.on_commit(lambda: storage.delete(old))
    return version
