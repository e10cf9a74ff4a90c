"""Reads of the context module: filtered lists, the scope in force, requirements per control.

``obligations_for_control`` and ``controls_to_obligations`` read the one link between the
register and the organisation's controls (``controls.Control.obligations``, reached here as
``Obligation.controls``): the legal, regulatory and contractual requirements that justify
including a control in the Statement of Applicability.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from openisms.context.models import ContextIssue, InterestedParty, Obligation, ScopeVersion
from openisms.context.services import scope as scope_svc
from openisms.controls.models import Control
from openisms.people.identity import owner_filter_q
from openisms.risk.models import Risk

ISSUE_FILTERS = ("kind", "category", "active", "q")
PARTY_FILTERS = ("kind", "internal", "q")
OBLIGATION_FILTERS = ("source", "active", "party", "control", "owner", "q")


def _clean(filters: dict[str, Any] | None) -> dict[str, str]:
    return {k: str(v or "").strip() for k, v in (filters or {}).items()}


def _active(qs: QuerySet, value: str) -> QuerySet:
    if value in ("yes", "true", "1"):
        return qs.filter(is_active=True)
    if value in ("no", "false", "0"):
        return qs.filter(is_active=False)
    return qs


def issues(filters: dict[str, Any] | None = None) -> QuerySet[ContextIssue]:
    f = _clean(filters)
    qs = ContextIssue.objects.all()
    if f.get("kind"):
        qs = qs.filter(kind=f["kind"])
    if f.get("category"):
        qs = qs.filter(category=f["category"])
    qs = _active(qs, f.get("active", ""))
    if f.get("q"):
        q = f["q"]
        qs = qs.filter(
            Q(title__icontains=q) | Q(description__icontains=q) | Q(effect__icontains=q)
            | Q(ref__iexact=q)
        )  # fmt: skip
    # The refs come through the (organisation-scoped) issues themselves.
    return qs.prefetch_related(
        Prefetch("risks", queryset=Risk.unscoped.live().only("id", "ref", "title").order_by("ref"))
    ).order_by("ref")


def parties(filters: dict[str, Any] | None = None) -> QuerySet[InterestedParty]:
    f = _clean(filters)
    qs = InterestedParty.objects.all()
    if f.get("kind"):
        qs = qs.filter(kind=f["kind"])
    if f.get("internal") in ("yes", "true", "1"):
        qs = qs.filter(is_internal=True)
    elif f.get("internal") in ("no", "false", "0"):
        qs = qs.filter(is_internal=False)
    if f.get("q"):
        q = f["q"]
        qs = qs.filter(
            Q(name__icontains=q) | Q(description__icontains=q) | Q(expectations__icontains=q)
        )
    return qs.annotate(n_requirements=Count("obligations")).order_by("name", "id")


def obligations(filters: dict[str, Any] | None = None) -> QuerySet[Obligation]:
    f = _clean(filters)
    qs = Obligation.objects.select_related("owner")
    if f.get("source"):
        qs = qs.filter(source=f["source"])
    qs = _active(qs, f.get("active", ""))
    if f.get("owner"):
        qs = qs.filter(owner_filter_q(f["owner"]))
    if f.get("party"):
        try:
            qs = qs.filter(parties__pk=uuid.UUID(f["party"]))
        except ValueError:  # not an id: nothing matches
            return qs.none()
    if f.get("control"):
        qs = qs.filter(controls__ref=f["control"])
    if f.get("q"):
        q = f["q"]
        qs = qs.filter(
            Q(title__icontains=q) | Q(reference__icontains=q) | Q(description__icontains=q)
            | Q(how_addressed__icontains=q) | Q(ref__iexact=q)
        )  # fmt: skip
    if f.get("party") or f.get("control"):
        qs = qs.distinct()
    return with_links(qs).order_by("ref")


def with_links(qs: QuerySet[Obligation]) -> QuerySet[Obligation]:
    return qs.prefetch_related(
        Prefetch(
            "parties", queryset=InterestedParty.unscoped.live().only("id", "name").order_by("name")
        ),
        Prefetch("controls", queryset=_controls().only("id", "ref", "title", "order")),
    )


# --- for the Statement of Applicability ----------------------------------------------------


def _controls() -> QuerySet:
    # Reached through the organisation's own requirements: no second organisation filter.
    return Control.unscoped.live().order_by("order", "ref")


def obligations_for_control(control: Any, *, active_only: bool = True) -> QuerySet:
    """Requirements of the register linked to ``control`` (a ``controls.Control`` record)."""
    qs = Obligation.objects.filter(controls=control).select_related("owner")
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.order_by("ref")


def controls_to_obligations(*, active_only: bool = True) -> dict[Any, list[Obligation]]:
    """Every control linked from the register → its requirements, in two queries whatever the
    size: keyed by the ``controls.Control`` id."""
    through = Obligation.controls.through
    qs = Obligation.objects.all()
    if active_only:
        qs = qs.filter(is_active=True)
    by_id = {o.pk: o for o in qs.select_related("owner").order_by("ref")}
    result: dict[Any, list[Obligation]] = defaultdict(list)
    links = through.objects.filter(obligation__in=qs).values_list("control_id", "obligation_id")
    for control_id, obligation_id in links.order_by("obligation__ref"):
        result[control_id].append(by_id[obligation_id])
    return dict(result)


# --- the scope ---------------------------------------------------------------------------------


def approved_scope() -> ScopeVersion | None:
    """The scope in force (approved by top management), or None."""
    return scope_svc.approved()


def scope_summary_text() -> str:
    """The scope statement for documents (policy templates): the approved one; before any
    approval, the draft's; empty when there is none."""
    scope = scope_svc.approved() or scope_svc.latest()
    return scope.statement.strip() if scope is not None else ""


def scope_versions() -> QuerySet[ScopeVersion]:
    return ScopeVersion.objects.select_related("created_by").order_by("-number")
