"""Proposing, approving and activating risk-method versions; re-scoring on change."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from openisms.core.context import require_org
from openisms.core.models import Approval
from openisms.core.services.approvals import decide
from openisms.risk.models import Methodology, MethodologyStatus, Risk
from openisms.risk.scoring import MethodError, parse

APPROVAL_KIND = "risk_methodology"


def current() -> Methodology:
    method = Methodology.objects.filter(status=MethodologyStatus.CURRENT).first()
    if method is None:
        from openisms.risk.services.setup import seed_organisation

        seed_organisation(require_org())
        method = Methodology.objects.get(status=MethodologyStatus.CURRENT)
    return method


def draft() -> Methodology | None:
    return Methodology.objects.filter(status=MethodologyStatus.DRAFT).first()


def validate(data: Any) -> dict:
    try:
        return parse(data).to_dict()
    except MethodError as exc:
        raise ValidationError(exc.errors) from None


@transaction.atomic
def propose(data: Any, *, note: str, user: Any) -> Methodology:
    """Save ``data`` as the (single) draft awaiting approval; it takes effect when approved."""
    clean = validate(data)
    pending = draft()
    if pending is not None:
        pending.data, pending.note, pending.created_by = clean, note, user
        pending.save()
        return pending
    last = Methodology.objects.order_by("-version").first()
    return Methodology.objects.create(
        organisation=require_org(), version=(last.version + 1 if last else 1),
        status=MethodologyStatus.DRAFT, data=clean, note=note, created_by=user,
    )  # fmt: skip


@transaction.atomic
def approve(methodology: Methodology, *, approver: Any, role: str, comment: str = "") -> Approval:
    """Top management signs the version off; an approved draft comes into force at once."""
    approval = decide(
        methodology, approver=approver, role=role, decision="approved", kind=APPROVAL_KIND,
        comment=comment, version_label=f"v{methodology.version}",
        action="risk.methodology.approve",
    )  # fmt: skip
    if methodology.status == MethodologyStatus.DRAFT:
        activate(methodology)
    return approval


@transaction.atomic
def reject(methodology: Methodology, *, approver: Any, role: str, comment: str) -> Approval:
    return decide(
        methodology, approver=approver, role=role, decision="rejected", kind=APPROVAL_KIND,
        comment=comment, version_label=f"v{methodology.version}",
        action="risk.methodology.approve",
    )  # fmt: skip


def activate(new: Methodology) -> int:
    """Put ``new`` in force and re-score every risk with it; returns how many were re-scored."""
    from openisms.risk.services.risks import rescore_all

    old = current()
    old.status = MethodologyStatus.SUPERSEDED
    old.save()
    new.status = MethodologyStatus.CURRENT
    new.activated_at = timezone.now()
    new.save()
    return rescore_all(old, new)


def approval_state(methodology: Methodology) -> dict[str, Any]:
    from openisms.core.services.approvals import approval_status

    return approval_status(methodology, APPROVAL_KIND)


def risks_using(methodology: Methodology) -> int:
    return Risk.objects.filter(methodology=methodology).count()
