"""The evidence register as XLSX (with a header block) or CSV: the list the SoA's "Evidence"
column points into, so every EV-reference an auditor reads there resolves to a row here.

One row per evidence item: reference, title, kind, owner, collected, valid until, whether it has
expired, the SHA-256 of the file (empty for links and notes), the file name or address, and the
controls and risks it supports. Three queries whatever the number of items (the items, then
the control and risk links read from their through tables and joined in Python).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.utils import timezone

from openisms.controls.models import Evidence, EvidenceKind
from openisms.core.context import require_org
from openisms.core.register_exports import Register, RegisterKind, Sheet, add, joined

KIND = "evidence"
HEADERS = [
    "Ref", "Title", "Kind", "Owner", "Collected", "Valid until", "Expired", "SHA-256",
    "File or link", "Controls", "Risks",
]  # fmt: skip
WIDTHS = [10, 40, 8, 20, 12, 12, 9, 30, 36, 24, 24]
_COLUMNS = (
    "pk", "ref", "title", "kind", "collected_on", "valid_until", "file_sha256", "file_name",
    "url", "owner__full_name",
)  # fmt: skip


def _owner(row: dict[str, Any]) -> str:
    """The owner's display name (a person of the register)."""
    return row["owner__full_name"] or ""


def _links(through: Any, target: str, order: str) -> dict[Any, list[str]]:
    # The through tables are not organisation-scoped: filter on the evidence's organisation (a
    # join), never on an IN list of every evidence id.
    out: dict[Any, list[str]] = defaultdict(list)
    rows = (
        through.objects.filter(evidence__organisation=require_org())
        .order_by(order, f"{target}__ref")
        .values_list("evidence_id", f"{target}__ref")
    )
    for evidence_id, ref in rows:
        out[evidence_id].append(ref)
    return out


def rows() -> list[list[Any]]:
    today = timezone.localdate()
    kinds = dict(EvidenceKind.choices)
    controls = _links(Evidence.controls.through, "control", "control__order")
    risks = _links(Evidence.risks.through, "risk", "risk__ref")
    out = []
    for e in Evidence.objects.order_by("ref").values(*_COLUMNS):
        expired = e["valid_until"] is not None and e["valid_until"] < today
        if e["kind"] == EvidenceKind.FILE:
            where, digest = e["file_name"], e["file_sha256"]
        else:
            where, digest = (e["url"] if e["kind"] == EvidenceKind.LINK else ""), ""
        out.append(
            [
                e["ref"],
                e["title"],
                str(kinds.get(e["kind"], e["kind"])),
                _owner(e),
                e["collected_on"],
                e["valid_until"],
                "yes" if expired else "no",
                digest,
                where,
                joined(controls.get(e["pk"], [])),
                joined(risks.get(e["pk"], [])),
            ]  # fmt: skip
        )
    return out


def build() -> Register:
    table = rows()
    expired = sum(1 for r in table if r[6] == "yes")
    files = sum(1 for r in table if r[7])
    return Register(
        what=(
            "Evidence register: documented information retained as evidence (ISO/IEC 27001:2022 "
            "clause 7.5.3); the EV- references of the Statement of Applicability"
        ),
        sheets=[Sheet("Evidence", HEADERS, table, WIDTHS)],
        details=[
            ("Evidence items", f"{len(table)} ({files} files, {expired} expired)"),
            ("SHA-256", "of the stored file as uploaded; empty for links and notes"),
        ],
        summary=f"{len(table)} evidence item(s)",
    )


def register() -> None:
    add(RegisterKind(KIND, build, "the evidence register"))
