"""The RACI matrix (5.3) as XLSX with a header block, or as CSV: processes × ISMS roles with
their letters and the rule each row breaks.

The matrix has no version number of its own; its edits are in the audit trail, so the header
names the revision (how many recorded changes made the matrix as it stands) and when and by
whom it last changed. Seven queries whatever the size of the matrix.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from openisms.core.auditing import object_type
from openisms.core.models.audit import AuditEntry
from openisms.core.register_exports import Register, RegisterKind, Sheet, add, generated_at, name_of
from openisms.leadership import selectors
from openisms.leadership.models import IsmsProcess, IsmsRole, RaciAssignment

LEGEND = "R responsible · A accountable · C consulted · I informed"


def _matrix_changes() -> Q:
    """Audit entries that changed what the matrix shows: any cell or process; a role only when
    it came, went, or changed its name or place (not its holders or text)."""
    role = object_type(IsmsRole)
    return (
        Q(object_type__in=[object_type(RaciAssignment), object_type(IsmsProcess)])
        | Q(object_type=role, action__in=["create", "delete"])
        | Q(object_type=role, changes__has_key="name")
        | Q(object_type=role, changes__has_key="order")
    )


def revision() -> tuple[int, str]:
    """(number of changes, "2026-12-07 14:05 UTC by Max Manager") of the matrix; (0, "") when
    the trail holds none."""
    entries = AuditEntry.objects.filter(_matrix_changes())
    last = entries.select_related("actor").order_by("-at", "-seq").first()
    if last is None:
        return 0, ""
    who = name_of(last.actor) if last.actor is not None else last.actor_label
    return entries.count(), f"{generated_at(last.at)} by {who}" if who else generated_at(last.at)


def build_raci() -> Register:
    matrix = selectors.raci_matrix()
    roles = matrix["roles"]
    headers = ["Process", "Clause", *[r.name for r in roles], "Warnings"]
    rows: list[list[Any]] = [
        [
            row.process.name,
            row.process.clause,
            *[letter for _, letter in row.cells],
            "; ".join(row.problems),
        ]
        for row in matrix["rows"]
    ]
    number, last = revision()
    warnings = len(matrix["warnings"])
    return Register(
        what="RACI matrix of the ISMS processes (ISO/IEC 27001:2022 clause 5.3)",
        sheets=[Sheet("RACI matrix", headers, rows, [34, 10, *[14] * len(roles), 40])],
        details=[
            ("Revision", f"r{number}" if number else "no recorded changes"),
            ("Last changed", last or "not recorded"),
            ("Legend", LEGEND),
            ("Rows with warnings", f"{warnings} of {len(rows)}"),
        ],
        summary=f"the RACI matrix ({len(rows)} processes × {len(roles)} roles)",
    )


def register() -> None:
    add(RegisterKind("raci", build_raci, "the RACI matrix (5.3)"))
