"""Reads of the control implementation records: the list with live counts, a control's risks,
progress by theme and status, "my controls". Every list is one query whatever the number of
risks, obligations, documents or evidence linked (counts are correlated subqueries).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from openisms.catalogue.loader import ATTRIBUTE_COLUMNS
from openisms.context.models import Obligation
from openisms.controls.models import Control, Evidence, ImplementationStatus
from openisms.core.context import require_org
from openisms.documents.models import Document
from openisms.people.identity import owned_by_q, owner_filter_q
from openisms.risk.models import Risk

THEMES = [
    ("Organizational", "5", 37),
    ("People", "6", 8),
    ("Physical", "7", 14),
    ("Technological", "8", 34),
]
OWN = "own"
APPLICABILITY = (("yes", "Applicable"), ("no", "Not applicable"), ("undecided", "Undecided"))
FILTERS = ("theme", "attribute", "status", "owner", "applicability", "q")
RiskControl = Risk.controls.through
MapsTo = Control.maps_to.through


def _count(qs: QuerySet, field: str = "pk") -> Coalesce:
    """COUNT(DISTINCT field) of ``qs`` as a subquery (``qs`` filtered on OuterRef)."""
    grouped = qs.order_by().annotate(_one=Value(1)).values("_one")
    return Coalesce(
        Subquery(grouped.annotate(n=Count(field, distinct=True)).values("n")[:1]),
        Value(0),
        output_field=IntegerField(),
    )


def _maps_to() -> QuerySet:
    return MapsTo.objects.filter(control_id=OuterRef(OuterRef("pk"))).values("requirement_id")


def _requirement_match(prefix: str) -> Q:
    """Rows linked to the control's Annex A requirement, or to any of its ``maps_to``."""
    return Q(**{prefix: OuterRef("requirement_id")}) | Q(**{f"{prefix}__in": _maps_to()})


def annotated(qs: QuerySet | None = None, *, documents: bool = True) -> QuerySet:
    """Controls with ``n_risks``, ``n_obligations``, ``n_documents``, ``n_evidence``,
    ``n_expired`` and ``has_valid_evidence`` — each live, each a subquery."""
    with_documents = documents
    org = require_org()
    today = timezone.localdate()
    qs = qs if qs is not None else Control.objects.all()
    risks = RiskControl.objects.filter(
        risk__organisation=org, risk__deleted_at__isnull=True
    ).filter(_requirement_match("requirement_id"))
    # Documents and requirements link to the control record itself (one table each).
    obligations = Obligation.objects.filter(controls=OuterRef("pk"), is_active=True)
    documents = Document.objects.filter(controls=OuterRef("pk"))
    evidence = Evidence.objects.filter(controls=OuterRef("pk"))
    valid = evidence.filter(Q(valid_until=None) | Q(valid_until__gte=today))
    if with_documents:
        # The validation rules do not use it, and the dashboard runs them on every load.
        qs = qs.annotate(n_documents=_count(documents))
    return qs.annotate(
        n_risks=_count(risks, "risk_id"),
        n_obligations=_count(obligations),
        n_evidence=_count(evidence),
        n_expired=_count(evidence.filter(valid_until__lt=today)),
        has_valid_evidence=Exists(valid),
    ).select_related("requirement", "owner")


def control_rows(filters: dict[str, Any] | None = None, *, documents: bool = True) -> QuerySet:
    """The control list, filtered by theme (or ``own``), attribute (``name=value``), status,
    owner (username, or ``none``), applicability (``yes``/``no``/``undecided``) and text."""
    f = {k: (v or "").strip() for k, v in (filters or {}).items()}
    qs = Control.objects.all()
    theme = f.get("theme", "")
    if theme == OWN:
        qs = qs.filter(requirement=None)
    elif theme:
        qs = qs.filter(requirement__theme=theme)
    attribute = f.get("attribute", "")
    if "=" in attribute:
        name, value = attribute.split("=", 1)
        if name in ATTRIBUTE_COLUMNS and value:
            tag = f"|{name}={value}|"
            own = MapsTo.objects.filter(requirement__attribute_tags__contains=tag)
            qs = qs.filter(
                Q(requirement__attribute_tags__contains=tag)
                | Q(requirement=None, pk__in=own.values("control_id"))
            )
    if f.get("status"):
        qs = qs.filter(status=f["status"])
    qs = qs.filter(owner_filter_q(f.get("owner", "")))
    applicability = f.get("applicability", "")
    if applicability in ("yes", "no"):
        qs = qs.filter(applicable=applicability == "yes")
    elif applicability == "undecided":
        qs = qs.filter(applicable=None)
    for term in f.get("q", "").split()[:8]:
        qs = qs.filter(Q(ref__icontains=term) | Q(title__icontains=term))
    return annotated(qs, documents=documents).order_by("order", "ref")


def control_detail(control_id: Any) -> Control:
    return annotated(Control.objects.prefetch_related("maps_to")).get(pk=control_id)


def _requirement_ids(control: Control) -> list[int]:
    ids = [control.requirement_id] if control.requirement_id else []
    return ids + [r.pk for r in control.maps_to.all()]


def risks_for(control: Control) -> QuerySet:
    """The risks that plan this control (live from the risk register)."""
    return (
        Risk.objects.filter(controls__in=_requirement_ids(control))
        .distinct()
        .select_related("owner")
        .order_by("ref")
    )


def obligations_for(control: Control) -> QuerySet:
    """The requirements of the register linked to the control (active and inactive)."""
    return control.obligations.order_by("ref")


def documents_for(control: Control) -> QuerySet:
    """The documents linked to the control, with the version in force."""
    return control.documents.select_related("published_version").order_by("ref")


def evidence_for(control: Control) -> QuerySet:
    return Evidence.objects.filter(controls=control).select_related("owner").order_by("ref")


def my_controls(user: Any) -> QuerySet:
    return control_rows().filter(owned_by_q(user))


def progress() -> dict[str, Any]:
    """Counts by theme and status, and the overall decision/implementation figures (1 query)."""
    rows = Control.objects.values("requirement__theme", "status", "applicable").annotate(
        n=Count("pk")
    )
    by_theme: dict[str, Counter] = {name: Counter() for name, _, _ in THEMES}
    by_theme["Own"] = Counter()
    by_status: Counter = Counter()
    decided = annex_decided = total = annex_total = implemented = applicable = 0
    for row in rows:
        theme = row["requirement__theme"] or "Own"
        n = row["n"]
        by_theme.setdefault(theme, Counter())[row["status"]] += n
        by_status[row["status"]] += n
        total += n
        is_annex = theme != "Own"
        annex_total += n if is_annex else 0
        if row["applicable"] is not None:
            decided += n
            annex_decided += n if is_annex else 0
        if row["applicable"]:
            applicable += n
        if row["status"] == ImplementationStatus.IMPLEMENTED:
            implemented += n
    return {
        "by_theme": {k: dict(v) for k, v in by_theme.items() if v or k != "Own"},
        "by_status": {s: by_status.get(s, 0) for s in ImplementationStatus.values},
        "total": total,
        "annex_total": annex_total,
        "decided": decided,
        "annex_decided": annex_decided,
        "applicable": applicable,
        "implemented": implemented,
    }
