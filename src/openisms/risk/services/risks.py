"""Writes to the risk register: create, change, score, accept, re-score."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from openisms.catalogue.models import Requirement
from openisms.catalogue.selectors import annex_a_controls
from openisms.core.access import find_access
from openisms.core.context import require_org
from openisms.core.models import Approval
from openisms.core.models.sequence import next_ref
from openisms.core.permissions import Role
from openisms.core.services.approvals import ApprovalRefused, decide
from openisms.core.services.lookups import own as _own
from openisms.core.validation import clean_text
from openisms.people.identity import resolve_owner
from openisms.risk.models import (
    Asset,
    Methodology,
    Risk,
    RiskKind,
    RiskScoreHistory,
    RiskStatus,
    Threat,
    Treatment,
    Vulnerability,
)
from openisms.risk.services import methodology as methods

ACCEPTANCE_KIND = "risk_acceptance"
TEXT_FIELDS = ("title", "description", "existing_controls", "treatment_rationale", "other_controls")
SCORE_FIELDS = ("inherent_likelihood", "inherent_impact", "residual_likelihood", "residual_impact")


def _score(risk: Risk, method: Methodology) -> None:
    m = method.method
    for prefix in ("inherent", "residual"):
        li, im = getattr(risk, f"{prefix}_likelihood"), getattr(risk, f"{prefix}_impact")
        if (li is None) != (im is None):
            raise ValidationError(
                {f"{prefix}_impact": f"Give both {prefix} likelihood and impact, or neither."}
            )
        if li is None:
            setattr(risk, f"{prefix}_level", "")
            setattr(risk, f"{prefix}_order", 0)
            continue
        try:
            level = m.level_for(li, im)
        except ValueError as exc:
            raise ValidationError({f"{prefix}_likelihood": str(exc)}) from None
        setattr(risk, f"{prefix}_level", level.key)
        setattr(risk, f"{prefix}_order", level.order)
    if risk.residual_order and risk.inherent_order and risk.residual_order > risk.inherent_order:
        raise ValidationError(
            {"residual_likelihood": "The residual risk cannot be higher than the inherent risk."}
        )
    risk.methodology = method


def _apply(risk: Risk, data: dict[str, Any]) -> dict[str, Any]:
    """Copy plain fields from ``data`` onto ``risk``; return relations to set after saving."""
    relations: dict[str, Any] = {}
    for name in TEXT_FIELDS:
        if name in data:
            setattr(risk, name, clean_text(data[name], name))
    if "title" in data and not risk.title:
        raise ValidationError({"title": "Give the risk a title."})
    for name in SCORE_FIELDS:
        if name in data:
            value = data[name]
            setattr(risk, name, int(value) if value not in (None, "") else None)
    if "kind" in data:
        if data["kind"] not in RiskKind.values:
            raise ValidationError({"kind": "Choose risk or opportunity."})
        risk.kind = data["kind"]
    if "treatment" in data:
        if data["treatment"] not in ("", *Treatment.values):
            raise ValidationError({"treatment": "Choose mitigate, accept, transfer or avoid."})
        risk.treatment = data["treatment"] or ""
    if "status" in data:
        status = data["status"]
        if status not in RiskStatus.values:
            raise ValidationError({"status": "Unknown status."})
        if status == RiskStatus.ACCEPTED and risk.status != RiskStatus.ACCEPTED:
            raise ValidationError(
                {"status": "Use “Accept residual risk”: acceptance needs a sign-off."}
            )
        risk.status = status
    if "next_review" in data:
        risk.next_review = data["next_review"] or None
    if "owner" in data:
        risk.owner = resolve_owner(data["owner"], "owner")
    if "threat" in data:
        risk.threat = _own(Threat, data["threat"], "threat")
    if "vulnerability" in data:
        risk.vulnerability = _own(Vulnerability, data["vulnerability"], "vulnerability")
    if "assets" in data:
        relations["assets"] = [_own(Asset, a, "assets") for a in data["assets"] or []]
    if "controls" in data:
        refs = [c.ref if isinstance(c, Requirement) else str(c) for c in data["controls"] or []]
        relations["controls"] = annex_a_controls(refs)
    return relations


def _history(risk: Risk, reason: str) -> None:
    RiskScoreHistory.objects.create(
        organisation_id=risk.organisation_id, risk=risk, reason=reason[:200],
        methodology_version=risk.methodology.version if risk.methodology else 0,
        inherent_likelihood=risk.inherent_likelihood, inherent_impact=risk.inherent_impact,
        inherent_level=risk.inherent_level, residual_likelihood=risk.residual_likelihood,
        residual_impact=risk.residual_impact, residual_level=risk.residual_level,
    )  # fmt: skip


def _scores(risk: Risk) -> tuple:
    return tuple(getattr(risk, f) for f in SCORE_FIELDS) + (risk.methodology_id,)


@transaction.atomic
def create_risk(data: dict[str, Any], *, ref: str | None = None) -> Risk:
    org = require_org()
    risk = Risk(organisation=org)
    relations = _apply(risk, {"title": "", **data})
    _score(risk, methods.current())
    if risk.next_review is None:
        months = risk.methodology.method.review_months
        risk.next_review = timezone.localdate() + dt.timedelta(days=round(30.4 * months))
    if risk.inherent_likelihood and risk.status == RiskStatus.IDENTIFIED:
        risk.status = RiskStatus.ASSESSED
    risk.ref = ref or next_ref(org, "R")
    risk.full_clean(exclude=["methodology", "assets", "controls", "organisation"])
    risk.save()
    for name, values in relations.items():
        getattr(risk, name).set(values)
    _history(risk, "created")
    return risk


@transaction.atomic
def update_risk(risk: Risk, data: dict[str, Any]) -> Risk:
    before = _scores(risk)
    relations = _apply(risk, data)
    _score(risk, methods.current())
    if risk.status == RiskStatus.ACCEPTED and _scores(risk) != before:
        # The acceptance covered other scores; it must be given again.
        risk.status, risk.accepted_at = RiskStatus.ASSESSED, None
    if risk.status != RiskStatus.ACCEPTED:
        _forget_imported_acceptance(risk)
    risk.full_clean(exclude=["methodology", "assets", "controls", "organisation"])
    risk.save()
    for name, values in relations.items():
        getattr(risk, name).set(values)
    if _scores(risk) != before:
        _history(risk, "scores changed")
    return risk


def delete_risk(risk: Risk) -> None:
    risk.delete()


@transaction.atomic
def accept_risk(risk: Risk, *, user: Any, comment: str = "") -> Approval:
    """Sign off the residual risk; the method decides which roles may accept which level."""
    if risk.residual_likelihood is None:
        raise ApprovalRefused("Score the residual risk before accepting it.")
    access = find_access(user, require_org().slug)
    role = access.role if access else None
    method = risk.methodology.method
    level = method.level(risk.residual_level)
    if level is None or not method.may_accept(level, role or ""):
        allowed = ", ".join(Role(r).label for r in level.accept_roles) if level else "nobody"
        above = (
            ""
            if level is None or method.within_criteria(level)
            else " (above the acceptance criteria)"
        )
        name = level.name if level else "residual"
        raise ApprovalRefused(
            f"A {name} risk{above} may only be accepted by: {allowed or 'nobody'}."
        )
    approval = decide(
        risk, approver=user, role=role, decision="approved", kind=ACCEPTANCE_KIND,
        comment=comment, version_label=risk.residual_level, action="risk.accept",
    )  # fmt: skip
    risk.status, risk.accepted_at = RiskStatus.ACCEPTED, timezone.now()
    _forget_imported_acceptance(risk)  # a sign-off here re-confirms an imported acceptance
    risk.save()
    return approval


def _forget_imported_acceptance(risk: Risk) -> None:
    risk.acceptance_imported = False
    risk.imported_accepted_by = risk.imported_accepted_role = ""
    risk.imported_acceptance_comment = ""


@transaction.atomic
def record_imported_acceptance(
    risk: Risk, *, by: str, role: str = "", at: dt.datetime | None = None, comment: str = ""
) -> Risk:
    """Mark ``risk`` accepted as an imported file says: no sign-off of this install, so it is
    flagged (``acceptance_imported``) until someone authorised accepts it here again."""
    if risk.residual_likelihood is None:
        raise ValidationError(
            {"status": "An accepted risk needs its residual likelihood and impact."}
        )
    risk.status = RiskStatus.ACCEPTED
    risk.accepted_at = at
    risk.acceptance_imported = True
    risk.imported_accepted_by = clean_text(by, "accepted_by")[:200]
    risk.imported_accepted_role = clean_text(role, "accepted_role")[:100]
    risk.imported_acceptance_comment = clean_text(comment, "acceptance_comment")
    risk.save()
    return risk


def rescore_all(old: Methodology, new: Methodology) -> int:
    """Carry every risk's scores onto the new method's scales; history keeps both."""
    m_old, m_new = old.method, new.method
    sizes = {"likelihood": len(m_old.likelihood), "impact": len(m_old.impact)}
    count = 0
    for risk in Risk.objects.select_related("methodology").iterator(chunk_size=500):
        for name in SCORE_FIELDS:
            value = getattr(risk, name)
            if value is not None:
                axis = "likelihood" if name.endswith("likelihood") else "impact"
                setattr(risk, name, m_new.rescale(value, sizes[axis], axis))
        try:
            _score(risk, new)
        except ValidationError:
            # Re-scaling may lift a residual above the inherent level; keep them consistent.
            risk.residual_likelihood = min(risk.residual_likelihood, risk.inherent_likelihood)
            risk.residual_impact = min(risk.residual_impact, risk.inherent_impact)
            _score(risk, new)
        if risk.status == RiskStatus.ACCEPTED:
            risk.status, risk.accepted_at = RiskStatus.ASSESSED, None
            _forget_imported_acceptance(risk)
        risk.save()
        _history(risk, f"re-scored for method v{new.version} (was v{old.version})")
        count += 1
    return count
