"""Treatment actions and the treatment plan's sign-offs."""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Coalesce
from django.utils import timezone

from openisms.catalogue.selectors import annex_a_controls
from openisms.core.access import find_access
from openisms.core.context import require_org
from openisms.core.models import Approval
from openisms.core.models.audit import canonical_json
from openisms.core.services.approvals import ApprovalRefused, decide
from openisms.core.validation import clean_text
from openisms.people.identity import display_name, owned_by_q, resolve_owner
from openisms.people.models import Person
from openisms.risk.models import ActionStatus, Risk, TreatmentAction, TreatmentPlan

PLAN_APPROVAL = "treatment_plan"
PLAN_OWNER_SIGNOFF = "treatment_plan_owner"


def _apply(action: TreatmentAction, data: dict[str, Any]) -> None:
    for name in ("title", "description"):
        if name in data:
            setattr(action, name, clean_text(data[name], name))
    if not action.title:
        raise ValidationError({"title": "Say what will be done."})
    if "owner" in data:
        action.owner = resolve_owner(data["owner"], "owner")
    if "due_date" in data:
        action.due_date = data["due_date"] or None
    if "status" in data:
        if data["status"] not in ActionStatus.values:
            raise ValidationError({"status": f"Choose one of: {', '.join(ActionStatus.values)}."})
        if data["status"] == ActionStatus.DONE and action.status != ActionStatus.DONE:
            action.completed_at = timezone.now()
        action.status = data["status"]
    if "control" in data:
        ref = data["control"]
        ref = ref.ref if hasattr(ref, "ref") else ref
        action.control = annex_a_controls([ref], "control")[0] if ref else None


@transaction.atomic
def create_action(risk: Risk, data: dict[str, Any]) -> TreatmentAction:
    action = TreatmentAction(organisation=require_org(), risk=risk)
    _apply(action, {"title": "", **data})
    action.save()
    return action


@transaction.atomic
def update_action(action: TreatmentAction, data: dict[str, Any]) -> TreatmentAction:
    _apply(action, data)
    action.save()
    return action


def plan() -> TreatmentPlan:
    found = TreatmentPlan.objects.first()
    return found or TreatmentPlan.objects.create(organisation=require_org())


def plan_content() -> list[dict[str, Any]]:
    """What a sign-off of the plan covers: every treated risk with its actions.

    Read as plain values in three queries (no model instances, no ``IN`` lists): the dashboard's
    checklist and the plan page hash this for registers of tens of thousands of risks.
    """
    treated = Risk.objects.exclude(treatment="")
    controls: dict[Any, list[str]] = {}
    for risk_id, ref in Risk.controls.through.objects.filter(risk__in=treated).values_list(
        "risk_id", "requirement__ref"
    ):
        controls.setdefault(risk_id, []).append(ref)
    actions: dict[Any, list[list[Any]]] = {}
    rows = (
        TreatmentAction.objects.filter(risk__in=treated)
        .exclude(status=ActionStatus.CANCELLED)
        .annotate(who=_owner_key())
        .values_list("risk_id", "title", "who", "due_date", "status")
    )
    for risk_id, title, owner, due, status in rows:
        actions.setdefault(risk_id, []).append([title, owner, str(due), status])
    risks = (
        treated.annotate(who=_owner_key())
        .order_by("ref")
        .values_list("pk", "ref", "treatment", "who", "residual_likelihood", "residual_impact")
    )
    return [
        {
            "ref": ref,
            "treatment": treatment,
            "owner": owner,
            "controls": sorted(controls.get(pk, [])),
            "residual": [likelihood, impact],
            "actions": sorted(actions.get(pk, [])),
        }
        for pk, ref, treatment, owner, likelihood, impact in risks
    ]


def plan_hash() -> str:
    return hashlib.sha256(canonical_json(plan_content()).encode()).hexdigest()


class PlanRefused(ApprovalRefused):
    """Top management may not approve the plan while blocking findings remain (``findings``)."""

    def __init__(self, message: str, findings: list[Any]) -> None:
        super().__init__(message)
        self.findings = findings


class _PlanSubject:
    """Lets the generic approval service sign the plan's current content."""

    def __init__(self, treatment_plan: TreatmentPlan) -> None:
        self.plan = treatment_plan
        self.pk = treatment_plan.pk
        self.organisation_id = treatment_plan.organisation_id
        self._meta = TreatmentPlan._meta

    def approval_content(self) -> Any:
        return plan_content()

    def approval_authors(self) -> set[int]:
        return set()  # the plan gathers many authors; each part's owner signs their part

    def __str__(self) -> str:
        return str(self.plan)


@transaction.atomic
def sign_plan(*, user: Any, comment: str = "") -> Approval:
    """A risk owner confirms their part, or top management approves the whole plan."""
    access = find_access(user, require_org().slug)
    role = access.role if access else ""
    subject = _PlanSubject(plan())
    if access and access.can("risk.plan.approve"):
        from openisms.risk import validation  # imports this module

        blocking = validation.blocking()
        if blocking:
            raise PlanRefused(validation.refusal(blocking), blocking)
        return decide(
            subject, approver=user, role=role, decision="approved", kind=PLAN_APPROVAL,
            comment=comment, action="risk.plan.approve",
        )  # fmt: skip
    if not Risk.objects.filter(owned_by_q(user)).exclude(treatment="").exists():
        raise ApprovalRefused("You own no treated risk in this plan, so there is nothing to sign.")
    return decide(
        subject, approver=user, role=role, decision="approved", kind=PLAN_OWNER_SIGNOFF,
        comment=comment, action="risk.plan.signoff",
    )  # fmt: skip


def plan_status() -> dict[str, Any]:
    """Who has signed the plan's current content, and who still must.

    A risk owner's confirmation is the owner's own statement about their part (6.1.3 f asks for
    the risk owners' approval of the plan), not a second person's approval of it. When top
    management owns treated risks, their approval of the whole plan states that for their part
    too: they are listed among the owners who confirmed (``owners_by_approval``) and never as
    still to confirm. Their signature stands for their own part only: every other owner still
    confirms theirs, and the plan counts as approved only then. Segregation of duties holds
    because nobody's signature confirms or approves a part for its owner except the owner's own.
    """
    current = plan_hash()
    treatment_plan = plan()
    signed = Approval.objects.filter(
        subject_type="risk.treatmentplan", subject_id=str(treatment_plan.pk), content_hash=current
    ).select_related("approver")
    owners = {
        p.user_id: p
        for p in Person.objects.filter(
            pk__in=Risk.objects.exclude(treatment="").exclude(owner=None).values("owner_id")
        )
    }
    # Owners without a login cannot sign here: they are named, and do not hold the plan up.
    without_login = sorted(display_name(p) for uid, p in owners.items() if uid is None)
    owners.pop(None, None)
    # Top management approving the whole plan confirms the parts they own themselves.
    owner_signed = {a.approver_id for a in signed}
    management = [a for a in signed if a.kind == PLAN_APPROVAL]
    confirmed_apart = {a.approver_id for a in signed if a.kind == PLAN_OWNER_SIGNOFF}
    by_approval = ({a.approver_id for a in management} - confirmed_apart) & set(owners)
    pending = set(owners) - owner_signed
    return {
        "hash": current,
        "owners_pending": sorted(display_name(owners[u]) for u in pending),
        "owners_signed": sorted(display_name(owners[u]) for u in owner_signed & set(owners)),
        "owners_by_approval": sorted(display_name(owners[u]) for u in by_approval),
        "owners_without_login": without_login,
        "signer_ids": owner_signed,
        "approved_by": [display_name(a.approver) for a in management],
        "approved": bool(management) and not pending,
    }


def _owner_key() -> Any:
    """How the signed plan content names an owner: the login's username (as before owners were
    people, so existing signatures stay valid), else the person's name."""
    return Coalesce("owner__user__username", "owner__full_name")
