"""API: treatment actions, the treatment plan and its sign-offs (6.1.3, 8.3), a person's work."""

import datetime as dt
import uuid
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from openisms.api.auth import acting_user, org_route
from openisms.api.common import ERRORS, PageParams, Text, page_of, paginate
from openisms.risk import selectors
from openisms.risk.api_common import (
    LONG,
    OWNER_IN,
    SHORT,
    ActionOut,
    ApprovalOut,
    Comment,
    JsonObject,
    action_out,
    approval_out,
    patch_data,
)
from openisms.risk.api_register import RiskOut, Scoring, with_relations
from openisms.risk.api_validation import FindingsRefused, findings_out
from openisms.risk.models import ActionStatus, Risk, TreatmentAction
from openisms.risk.models.treatment import OPEN_ACTION_STATUSES
from openisms.risk.services import actions as action_svc

router = Router()
ActionStatusName = Literal[tuple(ActionStatus.values)]  # type: ignore[valid-type]


class ActionIn(JsonObject):
    title: Text = Field(..., max_length=SHORT, description="what will be done")
    description: Text = Field("", max_length=LONG)
    owner: Text | None = Field(None, max_length=254, description=OWNER_IN)
    due_date: dt.date | None = None
    status: ActionStatusName = ActionStatus.PLANNED.value
    control: Text | None = Field(None, max_length=20, description="Annex A ref it implements")


class ActionPatch(JsonObject):
    """Send only what changes; ``null`` clears the owner, due date, control or description."""

    title: Text | None = Field(None, max_length=SHORT)
    description: Text | None = Field(None, max_length=LONG)
    owner: Text | None = Field(None, max_length=254, description=OWNER_IN)
    due_date: dt.date | None = None
    status: ActionStatusName | None = None
    control: Text | None = Field(None, max_length=20)


class ActionFilters(PageParams):
    owner: Text = Field("", max_length=150, description="username")
    status: Text = Field("", max_length=12)
    overdue: bool = Field(False, description="only open actions past their due date")


def _resolve(data: dict[str, Any]) -> dict[str, Any]:
    return data


def _action(action_id: uuid.UUID) -> TreatmentAction:
    return get_object_or_404(
        TreatmentAction.objects.select_related("risk", "owner", "control"), pk=action_id
    )


@router.get(
    "/actions",
    response={200: page_of(ActionOut), **ERRORS},
    summary="The treatment plan's actions, by due date",
)
@org_route("records.view")
def list_actions(request: HttpRequest, filters: Query[ActionFilters]):
    wanted = {"owner": filters.owner, "status": filters.status, "overdue": filters.overdue}
    result = paginate(selectors.treatment_plan_actions(wanted), filters)
    result["items"] = [action_out(a) for a in result["items"]]
    return result


@router.get("/risks/{risk_id}/actions", response={200: page_of(ActionOut), **ERRORS})
@org_route("records.view")
def list_risk_actions(request: HttpRequest, risk_id: uuid.UUID, page: Query[PageParams]):
    risk = get_object_or_404(Risk, pk=risk_id)
    qs = TreatmentAction.objects.filter(risk=risk).select_related("risk", "owner", "control")
    result = paginate(qs.order_by("due_date", "created_at"), page)
    result["items"] = [action_out(a) for a in result["items"]]
    return result


@router.post("/risks/{risk_id}/actions", response={201: ActionOut, **ERRORS})
@org_route("records.create")
def create_action(request: HttpRequest, risk_id: uuid.UUID, payload: ActionIn):
    risk = get_object_or_404(Risk, pk=risk_id)
    data = payload.model_dump()
    action = action_svc.create_action(risk, _resolve(data))
    return Status(201, action_out(_action(action.pk)))


@router.patch("/actions/{action_id}", response={200: ActionOut, **ERRORS})
@org_route("records.change")
def change_action(request: HttpRequest, action_id: uuid.UUID, payload: ActionPatch):
    action = _action(action_id)
    action_svc.update_action(action, _resolve(patch_data(payload, ("title", "description"))))
    return action_out(_action(action.pk))


@router.delete("/actions/{action_id}", response={204: None, **ERRORS})
@org_route("records.delete")
def delete_action(request: HttpRequest, action_id: uuid.UUID):
    get_object_or_404(TreatmentAction, pk=action_id).delete()
    return Status(204, None)


# --- the plan as a whole -------------------------------------------------------------------


class PlanCounts(Schema):
    treated_risks: int
    untreated_risks: int = Field(..., description="risks with no treatment chosen yet")
    actions: int
    open_actions: int
    overdue_actions: int
    done_actions: int


class PlanOut(Schema):
    title: str
    content_hash: str = Field(..., description="SHA-256 of what a sign-off covers")
    approved: bool = Field(..., description="top management approved and every owner signed")
    approved_by: list[str]
    owners_signed: list[str] = Field(
        ..., description="owners who confirmed, top management by approving the whole plan"
    )
    owners_pending: list[str] = Field(..., description="owners of treated risks yet to sign")
    owners_without_login: list[str] = Field(
        [], description="owners of treated risks who have no login (cannot sign here)"
    )
    counts: PlanCounts


def _plan_out() -> dict[str, Any]:
    status = action_svc.plan_status()
    today = timezone.localdate()
    actions = TreatmentAction.objects.order_by().aggregate(
        actions=Count("id"),
        open_actions=Count("id", filter=Q(status__in=OPEN_ACTION_STATUSES)),
        overdue_actions=Count("id", filter=Q(status__in=OPEN_ACTION_STATUSES, due_date__lt=today)),
        done_actions=Count("id", filter=Q(status=ActionStatus.DONE)),
    )
    risks = Risk.objects.order_by().aggregate(
        treated_risks=Count("id", filter=~Q(treatment="")),
        untreated_risks=Count("id", filter=Q(treatment="")),
    )
    return {
        "title": action_svc.plan().title,
        "content_hash": status["hash"],
        "approved": status["approved"],
        "approved_by": status["approved_by"],
        "owners_signed": status["owners_signed"],
        "owners_pending": status["owners_pending"],
        "owners_without_login": status["owners_without_login"],
        "counts": {**actions, **risks},
    }


@router.get(
    "/treatment-plan",
    response={200: PlanOut, **ERRORS},
    summary="Who has signed the plan's current content, who still must, and its size",
)
@org_route("records.view")
def get_treatment_plan(request: HttpRequest):
    return _plan_out()


class SignOut(Schema):
    approval: ApprovalOut
    plan: PlanOut


@router.post(
    "/treatment-plan/sign",
    response={200: SignOut, **ERRORS, 422: FindingsRefused},
    summary="Sign the plan: a risk owner confirms their part, top management approves it",
    description="Top management's approval is refused (422, with the findings) while a risk "
    "has no owner.",
)
@org_route("records.view")
def sign_treatment_plan(request: HttpRequest, payload: Comment):
    access = request.org_access
    if not (access.can("risk.plan.signoff") or access.can("risk.plan.approve")):
        raise PermissionDenied(
            f"Your role ({access.membership.get_role_display()}) may not sign the treatment plan."
        )
    try:
        approval = action_svc.sign_plan(user=acting_user(request), comment=payload.comment)
    except action_svc.PlanRefused as exc:
        refused = {"detail": exc.messages[0], "findings": findings_out(exc.findings, request)}
        return Status(422, refused)
    return {"approval": approval_out(approval), "plan": _plan_out()}


# --- my work -------------------------------------------------------------------------------


class MyWorkOut(Schema):
    risks: list[RiskOut] = Field(..., description="risks I own")
    actions: list[ActionOut] = Field(..., description="my open treatment actions")


@router.get(
    "/me",
    response={200: MyWorkOut, **ERRORS},
    summary="The caller's risks and open treatment actions in this organisation",
)
@org_route("records.view")
def my_work(request: HttpRequest):
    work = selectors.my_work(acting_user(request))
    scoring = Scoring()
    return {
        "risks": [scoring.out(r) for r in with_relations(work["risks"])],
        "actions": [action_out(a) for a in work["actions"]],
    }
