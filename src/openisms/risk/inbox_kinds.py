"""The risk module's kinds of “Waiting for me” (see :mod:`openisms.core.inbox`): the risk method
and the treatment plan to sign, risks to accept or re-confirm, treatment actions to do."""

from __future__ import annotations

from django.db.models import F, Q

from openisms.core import inbox
from openisms.core.inbox import InboxItem, Kind, Who, authored_ids, owned_by_q
from openisms.risk.models import (
    ActionStatus,
    Methodology,
    MethodologyStatus,
    Risk,
    RiskStatus,
    Treatment,
    TreatmentAction,
)


def method_to_approve(who: Who) -> list[InboxItem]:
    """A draft method top management may sign: not written by this approver, and not already
    rejected in its current form (the author acts on the rejection first)."""
    if not who.can("risk.methodology.approve"):
        return []
    drafts = list(
        Methodology.objects.filter(status=MethodologyStatus.DRAFT)
        .exclude(created_by_id=who.user_id)
        .order_by("version")
    )
    if not drafts:
        return []
    from openisms.core.models import Approval
    from openisms.core.services.approvals import content_hash

    mine = authored_ids("risk.methodology", [m.pk for m in drafts], who.user_id)
    rejected = set(
        Approval.objects.filter(
            subject_type="risk.methodology",
            subject_id__in=[str(m.pk) for m in drafts],
            decision="rejected",
        ).values_list("subject_id", "content_hash")
    )
    return [
        who.item(
            "risk.method",
            f"Risk method v{m.version}",
            "sign",
            who.link("core:risk:methodology"),
            detail=m.note[:200],
        )
        for m in drafts
        if str(m.pk) not in mine and (str(m.pk), content_hash(m)) not in rejected
    ]


def plan_to_sign(who: Who) -> list[InboxItem]:
    """The treatment plan in its current form: top management approves it (their signature
    also stands for the risks they own, see ``risk.services.actions.plan_status``); a risk owner
    who is not top management confirms their part."""
    from openisms.core.models import Approval
    from openisms.risk.services import actions

    approves = who.can("risk.plan.approve")
    treated = Risk.objects.exclude(treatment="")
    if approves:
        if not treated.exists():
            return []
    elif (
        not who.can("risk.plan.signoff")
        or not treated.filter(owned_by_q(Risk, "owner", who.user_id)).exists()
    ):
        return []
    plan = actions.plan()
    signed = Approval.objects.filter(
        subject_type="risk.treatmentplan",
        subject_id=str(plan.pk),
        content_hash=actions.plan_hash(),
        decision="approved",
    )
    if approves:
        if signed.filter(kind=actions.PLAN_APPROVAL).exists():
            return []  # approved in this form by top management (maybe another approver)
        title, verb = "Approve the risk treatment plan", "sign"
    else:
        if signed.filter(approver_id=who.user_id).exists():
            return []
        title, verb = "Confirm your part of the risk treatment plan", "confirm"
    return [who.item("risk.plan", title, verb, who.link("core:risk:plan"))]


def risks_to_accept(who: Who) -> list[InboxItem]:
    """Risks I own whose residual risk awaits acceptance (treatment "accept", scored, not yet
    accepted) or whose acceptance came from an imported file and needs re-confirming here."""
    waiting = Q(acceptance_imported=True) | (
        Q(treatment=Treatment.ACCEPT, residual_likelihood__isnull=False)
        & ~Q(status__in=[RiskStatus.ACCEPTED, RiskStatus.CLOSED])
    )
    risks = (
        Risk.objects.filter(owned_by_q(Risk, "owner", who.user_id))
        .filter(waiting)
        .order_by(F("next_review").asc(nulls_last=True), "ref")[: who.limit]
    )
    return [
        who.item(
            "risk.accept",
            f"{r.ref} {r.title}",
            "confirm" if r.acceptance_imported else "sign",
            who.link("core:risk:risk_detail", r.pk),
            due=r.next_review,
            detail=(
                "Re-confirm the acceptance imported from a file"
                if r.acceptance_imported
                else "Accept the residual risk, or ask who may"
            ),
        )
        for r in risks
    ]


def actions_to_do(who: Who) -> list[InboxItem]:
    """Open treatment actions I own, overdue first (the inbox sorts by due date)."""
    rows = (
        TreatmentAction.objects.filter(owned_by_q(TreatmentAction, "owner", who.user_id))
        .filter(status__in=[ActionStatus.PLANNED, ActionStatus.IN_PROGRESS])
        .select_related("risk")
        .order_by(F("due_date").asc(nulls_last=True), "created_at")[: who.limit]
    )
    return [
        who.item(
            "risk.action",
            a.title,
            "do",
            who.link("core:risk:risk_detail", a.risk_id),
            due=a.due_date,
            detail=f"{a.risk.ref} {a.risk.title}",
        )
        for a in rows
    ]


def register() -> None:
    inbox.register(Kind("risk.method", "Risk method to approve", method_to_approve, order=20))
    inbox.register(Kind("risk.plan", "Risk treatment plan", plan_to_sign, order=30))
    inbox.register(Kind("risk.accept", "Risks to accept", risks_to_accept, order=40))
    inbox.register(Kind("risk.action", "Treatment actions", actions_to_do, order=80))
