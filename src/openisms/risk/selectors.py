"""Reads of the risk module: filtered registers, heat maps, the plan, a person's work."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from openisms.people.identity import owned_by_q, owner_filter_q
from openisms.risk.models import Asset, Risk, TreatmentAction
from openisms.risk.models.treatment import OPEN_ACTION_STATUSES
from openisms.risk.services import methodology as methods

RISK_FILTERS = (
    "owner", "level", "residual_level", "status", "asset", "control", "treatment", "kind", "q",
    "cell", "map",
)  # fmt: skip


def risk_register(filters: dict[str, str] | None = None) -> QuerySet[Risk]:
    """The register, filtered; ``cell`` is "likelihood-impact" on ``map`` (inherent|residual)."""
    f = {k: (v or "").strip() for k, v in (filters or {}).items()}
    qs = Risk.objects.select_related("owner", "threat", "vulnerability")
    if f.get("owner"):
        qs = qs.filter(owner_filter_q(f["owner"]))
    if f.get("level"):
        qs = qs.filter(inherent_level=f["level"])
    if f.get("residual_level"):
        qs = qs.filter(residual_level=f["residual_level"])
    if f.get("status"):
        qs = qs.filter(status=f["status"])
    if f.get("treatment"):
        qs = qs.filter(treatment="" if f["treatment"] == "none" else f["treatment"])
    if f.get("kind"):
        qs = qs.filter(kind=f["kind"])
    if f.get("asset"):
        qs = qs.filter(assets__ref=f["asset"])
    if f.get("control"):
        qs = qs.filter(controls__ref=f["control"])
    if f.get("q"):
        qs = qs.filter(Q(title__icontains=f["q"]) | Q(ref__iexact=f["q"]))
    if f.get("cell"):
        try:
            li, im = (int(x) for x in f["cell"].split("-", 1))
        except ValueError:
            return qs.none()
        prefix = "residual" if f.get("map") == "residual" else "inherent"
        qs = qs.filter(**{f"{prefix}_likelihood": li, f"{prefix}_impact": im})
    if f.get("asset") or f.get("control"):
        qs = qs.distinct()
    return qs.order_by("ref")


@dataclass
class HeatCell:
    likelihood: int
    impact: int
    level: Any
    count: int


def heat_map(which: str = "inherent", filters: dict[str, str] | None = None) -> dict[str, Any]:
    """Counts per (likelihood, impact) cell, one GROUP BY whatever the number of risks."""
    prefix = "residual" if which == "residual" else "inherent"
    method = methods.current().method
    base = risk_register({k: v for k, v in (filters or {}).items() if k not in ("cell", "map")})
    counts = {
        (row[f"{prefix}_likelihood"], row[f"{prefix}_impact"]): row["n"]
        for row in base.order_by()
        .exclude(**{f"{prefix}_likelihood": None})
        .values(f"{prefix}_likelihood", f"{prefix}_impact")
        .annotate(n=Count("id"))
    }
    rows = [
        [
            HeatCell(li, im, method.level_for(li, im), counts.get((li, im), 0))
            for im in range(1, len(method.impact) + 1)
        ]
        for li in range(len(method.likelihood), 0, -1)  # highest likelihood on top
    ]
    return {
        "which": prefix,
        "method": method,
        "rows": rows,
        "total": sum(counts.values()),
        "unscored": base.filter(**{f"{prefix}_likelihood": None}).count(),
    }


def level_counts(which: str = "inherent") -> dict[str, int]:
    field = "residual_level" if which == "residual" else "inherent_level"
    return dict(
        Risk.objects.order_by().values_list(field).annotate(n=Count("id")).values_list(field, "n")
    )


def treatment_plan_actions(filters: dict[str, str] | None = None) -> QuerySet[TreatmentAction]:
    f = filters or {}
    qs = TreatmentAction.objects.select_related("risk", "owner", "control")
    if f.get("owner"):
        qs = qs.filter(owner_filter_q(f["owner"]))
    if f.get("status"):
        qs = qs.filter(status=f["status"])
    if f.get("overdue"):
        qs = qs.filter(status__in=OPEN_ACTION_STATUSES, due_date__lt=timezone.localdate())
    return qs.order_by("due_date", "risk__ref")


def overdue_count() -> int:
    return TreatmentAction.objects.filter(
        status__in=OPEN_ACTION_STATUSES, due_date__lt=timezone.localdate()
    ).count()


def my_work(user: Any) -> dict[str, Any]:
    return {
        "risks": risk_register().filter(owned_by_q(user)),
        "actions": treatment_plan_actions().filter(
            owned_by_q(user), status__in=OPEN_ACTION_STATUSES
        ),
    }


def asset_inventory(filters: dict[str, str] | None = None) -> QuerySet[Asset]:
    f = {k: (v or "").strip() for k, v in (filters or {}).items()}
    qs = Asset.objects.select_related("owner", "owner_role", "custodian", "classification")
    if f.get("type"):
        qs = qs.filter(type=f["type"])
    if f.get("owner"):
        qs = qs.filter(owner_filter_q(f["owner"]))
    if f.get("classification"):
        qs = qs.filter(classification__name=f["classification"])
    if f.get("lifecycle"):
        qs = qs.filter(lifecycle=f["lifecycle"])
    if f.get("tag"):
        qs = qs.filter(tag_text__contains=f"|{f['tag'].lower()}|")
    if f.get("q"):
        qs = qs.filter(Q(name__icontains=f["q"]) | Q(ref__iexact=f["q"]))
    return qs.order_by("ref")


def imported_acceptances() -> QuerySet[Risk]:
    """Accepted risks whose acceptance came from an imported file (who and when as the file
    said) and that nobody here has accepted again yet: to re-confirm."""
    return Risk.objects.filter(acceptance_imported=True, status="accepted").order_by("ref")
