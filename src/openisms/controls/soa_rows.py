"""The Statement of Applicability as rows, read from the live records.

One dict per control (the 93 Annex A records in catalogue order, then the organisation's own)
with everything an auditor reads: the decision and why, the implementation and what proves it.
A fixed number of queries whatever the size of the risk register: risks are counted per
control with one aggregate, and only the first :data:`RISK_REFS` references are listed (a
window function), so an organisation with 50,000 risks costs the same as one with ten.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count, F, Func, IntegerField, OuterRef, Subquery, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from openisms.controls.models import Control
from openisms.controls.services.setup import ensure_controls
from openisms.core.context import require_org
from openisms.risk.models import Risk

RISK_REFS = 10  # references listed per control; the count says how many there are in all
OWN_THEME = "Own controls"
APPLICABLE_LABELS = {True: "yes", False: "no", None: "undecided"}
FIELDS = (
    "ref",
    "title",
    "theme",
    "applicable",
    "justification",
    "status",
    "owner",
    "target_date",
    "implementation",
    "documents",
    "evidence",
)


def _risk_links(org: Any) -> tuple[dict[Any, int], dict[Any, list[str]]]:
    """Per Annex A requirement: how many risks plan it, and the first references."""
    links = Risk.controls.through.objects.filter(
        risk__organisation=org, risk__deleted_at__isnull=True
    )
    counts = dict(
        links.order_by()
        .values("requirement_id")
        .annotate(n=Count("risk_id"))
        .values_list("requirement_id", "n")
    )
    ranked = links.annotate(
        rank=Window(RowNumber(), partition_by=[F("requirement_id")], order_by=F("risk__ref").asc())
    ).filter(rank__lte=RISK_REFS)
    refs: dict[Any, list[str]] = defaultdict(list)
    for requirement_id, ref in ranked.order_by("requirement_id", "risk__ref").values_list(
        "requirement_id", "risk__ref"
    ):
        refs[requirement_id].append(ref)
    return counts, refs


def _own_risk_counts(org: Any) -> dict[Any, int]:
    """Distinct risks of each own control (risks planning any Annex A control it maps to)."""
    mapped = Control.maps_to.through.objects.filter(control_id=OuterRef(OuterRef("pk"))).values(
        "requirement_id"
    )
    distinct = (
        Risk.controls.through.objects.filter(
            risk__organisation=org, risk__deleted_at__isnull=True, requirement_id__in=mapped
        )
        .order_by()
        .annotate(
            n=Func(
                F("risk_id"),
                template="COUNT(DISTINCT %(expressions)s)",
                output_field=IntegerField(),
            )
        )
        .values("n")[:1]
    )
    return dict(
        Control.objects.filter(requirement__isnull=True)
        .annotate(n=Subquery(distinct, output_field=IntegerField()))
        .values_list("pk", "n")
    )


def _pairs(through: Any, *fields: str, **filters: Any) -> dict[Any, list[tuple]]:
    out: dict[Any, list[tuple]] = defaultdict(list)
    for control_id, *rest in through.objects.filter(**filters).values_list("control_id", *fields):
        out[control_id].append(tuple(rest))
    return out


def justification_text(row: dict[str, Any]) -> str:
    """The SoA's "why" column in one sentence per reason."""
    if row["applicable"] == "no":
        return row["exclusion_justification"] or "Excluded (no justification given)."
    parts = []
    if row["risk_count"]:
        more = row["risk_count"] - len(row["risks"])
        listed = ", ".join(row["risks"]) + (f" and {more} more" if more > 0 else "")
        parts.append(f"Treats {row['risk_count']} risk(s): {listed}.")
    if row["requirements"]:
        parts.append("Required by: " + "; ".join(row["requirements"]) + ".")
    if row["business_need"]:
        parts.append("Business need: " + row["business_need"])
    if not parts and row["applicable"] == "undecided":
        return "Not decided yet."
    return " ".join(parts)


def build_rows() -> list[dict[str, Any]]:
    """Every control of the current organisation as one SoA row (constant queries)."""
    ensure_controls()
    org = require_org()
    controls = list(
        Control.objects.order_by("order", "ref").values(
            "pk", "ref", "title", "requirement_id", "requirement__theme", "applicable",
            "exclusion_justification", "business_need", "status", "owner__full_name",
            "target_date", "implementation",
        )
    )  # fmt: skip
    counts, refs = _risk_links(org)
    own_ids = [c["pk"] for c in controls if c["requirement_id"] is None]
    own_counts = _own_risk_counts(org) if own_ids else {}
    maps = (
        _pairs(
            Control.maps_to.through,
            "requirement_id",
            "requirement__ref",
            control__organisation=org,
        )  # fmt: skip
        if own_ids
        else {}
    )
    # The requirements register and the document register write these same two tables.
    obligations = _pairs(
        Control.obligations.through, "obligation__ref", "obligation__title",
        control__organisation=org, obligation__is_active=True,
    )  # fmt: skip
    documents = _pairs(
        Control.documents.through, "document__ref", "document__published_version__number",
        control__organisation=org,
    )  # fmt: skip
    evidence = _pairs(
        Control.evidence.through, "evidence__ref", control__organisation=org
    )  # fmt: skip
    labels = dict(Control._meta.get_field("status").choices)
    rows = []
    for c in controls:
        pk = c["pk"]
        if c["requirement_id"] is not None:
            risk_count, risks = (
                counts.get(c["requirement_id"], 0),
                refs.get(c["requirement_id"], []),
            )
            theme, maps_to = c["requirement__theme"], []
        else:
            mapped = maps.get(pk, [])
            union = sorted({r for req, _ in mapped for r in refs.get(req, [])})
            risk_count, risks = own_counts.get(pk) or 0, union[:RISK_REFS]
            theme, maps_to = OWN_THEME, sorted(ref for _, ref in mapped)
        row = {
            "ref": c["ref"],
            "title": c["title"],
            "theme": theme or "",
            "applicable": APPLICABLE_LABELS[c["applicable"]],
            "risks": risks,
            "risk_count": risk_count,
            "requirements": sorted(f"{ref} {title}" for ref, title in obligations.get(pk, [])),
            "business_need": c["business_need"],
            "exclusion_justification": c["exclusion_justification"],
            "status": str(labels.get(c["status"], c["status"])),
            "owner": c["owner__full_name"] or "",
            "target_date": c["target_date"].isoformat() if c["target_date"] else "",
            "implementation": c["implementation"],
            "documents": sorted(
                f"{ref} v{number}" if number else f"{ref} (not in force)"
                for ref, number in documents.get(pk, [])
            ),
            "evidence": sorted(ref for (ref,) in evidence.get(pk, [])),
            "maps_to": maps_to,
        }
        row["justification"] = justification_text(row)
        rows.append(row)
    return rows


def header() -> dict[str, Any]:
    """Organisation, the approved scope (statement, version, approval day) and the generation
    day: frozen with the rows, so a version says which scope it was decided for."""
    from openisms.context.models import ScopeStatus, ScopeVersion

    org = require_org()
    scope = (
        ScopeVersion.objects.filter(status=ScopeStatus.APPROVED)
        .order_by("-number")
        .values("number", "statement", "approved_at")
        .first()
    )
    scope_version = ""
    if scope:
        approved = scope["approved_at"]
        scope_version = f"v{scope['number']}" + (
            f", approved {timezone.localdate(approved).isoformat()}" if approved else ""
        )
    return {
        "organisation": org.name,
        "scope": scope["statement"] if scope else "",
        "scope_version": scope_version,
        "generated": timezone.localdate().isoformat(),
    }
