"""What the risk API's routers share: name look-ups, method schemas, approval summaries."""

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import StrictInt

from openisms.api.common import Text
from openisms.api.shared import (  # noqa: F401 (re-exported for the risk routers)
    LONG,
    OWNER_IN,
    OWNER_OUT,
    SHORT,
    ApprovalOut,
    ApprovalState,
    Comment,
    JsonObject,
    Username,
    approval_out,
    by_key,
    member,
    one_by_key,
    owner_out,
    patch_data,
    state_out,
    username,
)
from openisms.core.permissions import Role
from openisms.risk.models import TreatmentAction
from openisms.risk.scoring import Method

RoleName = Literal[tuple(Role.values)]  # type: ignore[valid-type]


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


# --- treatment actions (listed under a risk, on the plan and on "my work") -------------------


class ActionOut(Schema):
    id: uuid.UUID
    risk_id: uuid.UUID
    risk: str = Field(..., description="ref of the risk it treats")
    title: str
    description: str
    owner: str | None = Field(..., description=OWNER_OUT)
    owner_id: uuid.UUID | None = Field(..., description="the owner's person id")
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
        **owner_out(a),
        "due_date": a.due_date,
        "status": a.status,
        "control": a.control.ref if a.control_id else None,
        "completed_at": a.completed_at,
        "created_at": a.created_at,
        "overdue": a.is_overdue,
    }
