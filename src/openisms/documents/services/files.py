"""Files attached to document versions: what may be stored, and how.

The checks (content sniffing with an allow-list, size, names, SHA-256) are the shared ones of
:mod:`openisms.core.uploads`. Stored under the model's ``upload_to`` name (the version's id),
never under the user's name; served only as a download (see the views) with ``nosniff``.
"""

from __future__ import annotations

from typing import Any

from django.core.files import File
from django.db import transaction

from openisms.core import uploads
from openisms.core.uploads import DOCX, KINDS, ODT, XLSX, FileRefused, detect, safe_name
from openisms.documents.models import DocumentVersion

__all__ = ["DOCX", "KINDS", "ODT", "XLSX", "FileRefused", "detect", "safe_name"]

MAX_FILE_BYTES = 20 * 1024 * 1024
EXTENSIONS = {
    "pdf": "pdf", "docx": "docx", "xlsx": "xlsx", "odt": "odt", "png": "png", "jpg": "jpeg",
    "jpeg": "jpeg", "txt": "text", "md": "text",
}  # fmt: skip
ALLOWED_TEXT = (
    "PDF, Word (.docx), Excel (.xlsx), OpenDocument text (.odt), PNG, JPEG or plain text "
    "(.txt, .md)"
)


def check_upload(upload: Any) -> dict[str, Any]:
    """Everything about an upload the version will store, or :class:`FileRefused`."""
    return uploads.check_upload(
        upload, max_bytes=MAX_FILE_BYTES, extensions=EXTENSIONS, allowed_text=ALLOWED_TEXT
    )


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
