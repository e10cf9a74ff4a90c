"""The risk module's kinds of ``openisms export``: assets, risks, treatment-plan."""

from __future__ import annotations

from typing import Any

from openisms.core.exports import CliExport, register_cli_export
from openisms.risk.io import columns as C
from openisms.risk.io import exporter


def _producer(kind: str) -> Any:
    def produce(org: Any, fmt: str, options: dict[str, Any]) -> tuple[bytes, str]:
        data = exporter.rows(kind)
        content = exporter.to_xlsx(kind, data) if fmt == "xlsx" else exporter.to_csv(kind, data)
        return content, f"{len(data)} {C.LABELS[kind]}"

    return produce


def register() -> None:
    for kind in C.EXPORT_KINDS:
        register_cli_export(CliExport(kind, C.FORMATS, _producer(kind), C.LABELS[kind]))
