"""Registers the exports part of the documents module: ``openisms export document|documents``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError

from openisms.core.exports import CliExport, register_cli_export


def _document(org: Any, fmt: str, options: dict[str, Any]) -> tuple[bytes, str]:
    from openisms.documents import exports

    try:
        document = exports.find_document(options.get("ref") or "")
        version = exports.pick_version(document, options.get("version"))
    except exports.ExportError as exc:
        raise CommandError(str(exc))
    content = exports.render_document(document, version, fmt)
    return content, f"{document.ref} {version.label} ({version.get_status_display()}) as {fmt}"


def _register(org: Any, fmt: str, options: dict[str, Any]) -> tuple[bytes, str]:
    from openisms.documents import exports

    content, count = exports.register_xlsx()
    return content, f"the document register ({count} document{'' if count == 1 else 's'})"


def register() -> None:
    register_cli_export(
        CliExport(
            "document",
            ("docx", "pdf"),
            _document,
            "one document with its control block as DOCX or PDF (--ref DOC-0001, "
            "--version N; default: the version in force, else the newest)",
            needs_ref=True,
        )
    )
    register_cli_export(
        CliExport("documents", ("xlsx",), _register, "the document register as XLSX")
    )
