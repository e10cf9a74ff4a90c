"""What the risk API's routers share: name look-ups, method schemas, approval summaries."""

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from ninja import Field, Schema
from pydantic import ModelWrapValidatorHandler, StrictInt, ValidationInfo, model_validator

from openisms.api.common import Text
from openisms.core.context import require_org
from openisms.core.models import Approval, Membership
from openisms.core.permissions import Role
from openisms.risk.models import TreatmentAction
from openisms.risk.scoring import Method

RoleName = Literal[tuple(Role.values)]  # type: ignore[valid-type]
Username = Text  # a member of the organisation, by username
SHORT = 200  # longest name or title a model takes
LONG = 20_000  # longest free text the API takes in one field


def member(username: str | None, field: str) -> Any:
    """The active member called ``username``; the same message for strangers and unknown names,
    so that the API cannot be used to find out who has an account elsewhere on the install."""
    if not username:
        return None
    org = require_org()
    found = (
        Membership.objects.active()
        .select_related("user")
        .filter(organisation=org, user__username=username)
        .first()
    )
    if found is None:
        raise ValidationError({field: f"{username} is not a member of {org.name}."})
    return found.user


def by_key(model: type, field: str, values: list[str], key: str = "ref") -> list[Any]:
    """Objects of the current organisation named by ``key``, in the order given."""
    wanted = list(dict.fromkeys(v for v in values if v))
    found = {getattr(o, key): o for o in model.objects.filter(**{f"{key}__in": wanted})}
    unknown = [v for v in wanted if v not in found]
    if unknown:
        label = model._meta.verbose_name_plural if len(unknown) > 1 else model._meta.verbose_name
        raise ValidationError({field: f"Unknown {label}: {', '.join(unknown)}."})
    return [found[v] for v in wanted]


def one_by_key(model: type, field: str, value: str | None, key: str = "code") -> Any:
    return by_key(model, field, [value], key)[0] if value else None


def username(user: Any) -> str | None:
    return user.username if user is not None else None


def patch_data(payload: Schema, text: tuple[str, ...] = ()) -> dict[str, Any]:
    """Only the fields the caller sent; ``null`` clears a text field to empty."""
    data = payload.model_dump(exclude_unset=True)
    for name in text:
        if name in data and data[name] is None:
            data[name] = ""
    return data


class JsonObject(Schema):
    """A request body. Ninja's schemas read attributes off any value, so without this check
    ``true`` or ``[1, 2]`` would pass as an object whose fields were all left out."""

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(
        cls, values: Any, handler: ModelWrapValidatorHandler, info: ValidationInfo
    ) -> Any:
        if not isinstance(values, dict):
            raise ValueError("Send a JSON object.")
        return handler(values)


# --- the method --------------------------------------------------------------------------


class ScalePointOut(Schema):
    value: int
    label: str
    description: str


class LevelOut(Schema):
    key: str
    name: str
    colour: str
    order: int
    accept_roles: list[str]
    within_criteria: bool


class MethodOut(Schema):
    likelihood: list[ScalePointOut]
    impact: list[ScalePointOut]
    levels: list[LevelOut] = Field(..., description="lowest first")
    matrix: list[list[str]] = Field(
        ..., description="matrix[likelihood - 1][impact - 1] is the level key of that cell"
    )
    acceptance_threshold: str
    review_months: int


class ScalePointIn(JsonObject):
    label: Text = Field(..., max_length=60)
    description: Text = Field("", max_length=500)


class LevelIn(JsonObject):
    key: Text = Field(..., max_length=30, description="lower-case letters, digits, - or _")
    name: Text = Field(..., max_length=60)
    colour: Text = Field(..., max_length=7, description="like #c62828")
    order: StrictInt | None = Field(
        None, ge=0, le=1000, description="lowest first; default: position"
    )
    accept_roles: list[RoleName] = Field(
        [], max_length=10, description="roles that may accept a residual risk of this level"
    )


class MethodIn(JsonObject):
    likelihood: list[ScalePointIn] = Field(..., max_length=20)
    impact: list[ScalePointIn] = Field(..., max_length=20)
    levels: list[LevelIn] = Field(..., max_length=20)
    matrix: list[Annotated[list[Text], Field(max_length=20)]] = Field(..., max_length=20)
    acceptance_threshold: Text = Field(..., max_length=30)
    review_months: StrictInt = 12


def method_out(method: Method) -> dict[str, Any]:
    data = method.to_dict()
    for level in data["levels"]:
        level["within_criteria"] = method.within_criteria(method.level(level["key"]))
    return data


def level_name(method: Method, key: str) -> str | None:
    if not key:
        return None
    level = method.level(key)
    return level.name if level else key


# --- approvals ---------------------------------------------------------------------------


class ApprovalOut(Schema):
    id: uuid.UUID
    kind: str
    decision: str
    approver: str
    approver_role: str
    comment: str
    content_hash: str
    version_label: str
    decided_at: dt.datetime


def approval_out(approval: Approval | None) -> dict[str, Any] | None:
    if approval is None:
        return None
    return {
        "id": approval.pk,
        "kind": approval.kind,
        "decision": approval.decision,
        "approver": approval.approver.username,
        "approver_role": approval.approver_role,
        "comment": approval.comment,
        "content_hash": approval.content_hash,
        "version_label": approval.version_label,
        "decided_at": approval.decided_at,
    }


class ApprovalState(Schema):
    state: Literal["none", "approved", "outdated", "rejected"] = Field(
        ..., description="outdated: approved, but the content changed since"
    )
    latest: ApprovalOut | None


def state_out(status: dict[str, Any]) -> dict[str, Any]:
    return {"state": status["state"], "latest": approval_out(status["approval"])}


class Comment(JsonObject):
    comment: Text = Field("", max_length=LONG)


# --- treatment actions (listed under a risk, on the plan and on "my work") -------------------


class ActionOut(Schema):
    id: uuid.UUID
    risk_id: uuid.UUID
    risk: str = Field(..., description="ref of the risk it treats")
    title: str
    description: str
    owner: str | None = Field(..., description="username")
    due_date: dt.date | None
    status: str
    control: str | None = Field(..., description="Annex A control it implements")
    completed_at: dt.datetime | None
    created_at: dt.datetime
    overdue: bool


def action_out(a: TreatmentAction) -> dict[str, Any]:
    """Needs ``risk``, ``owner`` and ``control`` selected with the action."""
    return {
        "id": a.pk,
        "risk_id": a.risk_id,
        "risk": a.risk.ref,
        "title": a.title,
        "description": a.description,
        "owner": username(a.owner),
        "due_date": a.due_date,
        "status": a.status,
        "control": a.control.ref if a.control_id else None,
        "completed_at": a.completed_at,
        "created_at": a.created_at,
        "overdue": a.is_overdue,
    }
