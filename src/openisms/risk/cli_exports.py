"""The risk module's kinds of ``openisms export``: assets, risks, treatment-plan, risk-method."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError

from openisms.core.exports import CliExport, register_cli_export
from openisms.risk import method_document
from openisms.risk.io import columns as C
from openisms.risk.io import exporter

METHOD_KIND = "risk-method"


def _producer(kind: str) -> Any:
    def produce(org: Any, fmt: str, options: dict[str, Any]) -> tuple[bytes, str]:
        data = exporter.rows(kind)
        content = exporter.to_xlsx(kind, data) if fmt == "xlsx" else exporter.to_csv(kind, data)
        return content, f"{len(data)} {C.LABELS[kind]}"

    return produce


def _method(org: Any, fmt: str, options: dict[str, Any]) -> tuple[bytes, str]:
    try:
        methodology = method_document.pick(options.get("version"))
    except method_document.MethodExportError as exc:
        raise CommandError(str(exc))
    data = method_document.method_data(methodology)
    content = (
        method_document.method_docx(data) if fmt == "docx" else method_document.method_pdf(data)
    )
    state = "approved" if data.approved else "not approved: marked DRAFT"
    return content, f"risk method v{methodology.version} ({state})"


def register() -> None:
    for kind in C.EXPORT_KINDS:
        register_cli_export(CliExport(kind, C.FORMATS, _producer(kind), C.LABELS[kind]))
    register_cli_export(
        CliExport(
            METHOD_KIND,
            method_document.FORMATS,
            _method,
            "the risk method as a controlled document (default: the version in force; "
            "--version N for another)",
        )
    )
