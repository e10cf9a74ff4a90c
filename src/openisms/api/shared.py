"""Helpers every domain's API routes share: request-body base, member and reference look-ups,
PATCH semantics, approval summaries. (No ``from __future__ import annotations`` here: ninja
reads these annotations at import time.)"""

import datetime as dt
import uuid
from typing import Any, Literal

from django.core.exceptions import ValidationError
from ninja import Field, Schema
from pydantic import ModelWrapValidatorHandler, ValidationInfo, model_validator

from openisms.api.common import Text
from openisms.core.context import require_org
from openisms.core.models import Approval, Membership

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


OWNER_IN = "a person of the people register: person id, full name, e-mail or login username"
OWNER_OUT = "the owner's display name (full name)"


def owner_out(obj: Any, field: str = "owner") -> dict[str, Any]:
    """``<field>`` (display name) and ``<field>_id`` (person id) of ``obj``'s owner field."""
    from openisms.people.identity import display_name

    person = getattr(obj, field)
    return {field: display_name(person) or None, f"{field}_id": getattr(obj, f"{field}_id")}
