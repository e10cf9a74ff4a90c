"""API schemas of the internal and external issues (4.1); the routes come from the record kit
(``context.records.ISSUES``, ``core.records.api``)."""

import datetime as dt
import uuid
from typing import Any

from ninja import Field, Schema

from openisms.api.common import PageParams, Text
from openisms.api.shared import LONG, SHORT, JsonObject
from openisms.context.api_common import choice
from openisms.context.models import ContextIssue, IssueCategory, IssueKind

TEXT = ("title", "description", "effect")
Kind = choice(IssueKind)
Category = choice(IssueCategory)


class IssueOut(Schema):
    id: uuid.UUID
    ref: str
    title: str
    kind: str
    category: str
    description: str
    effect: str = Field(..., description="how it affects the ISMS and its outcomes")
    risks: list[str] = Field(..., description="refs of the linked risks")
    is_active: bool
    created_at: dt.datetime
    updated_at: dt.datetime


class IssueIn(JsonObject):
    """``kind`` and ``category`` are required (400 naming the field when missing)."""

    title: Text = Field(..., max_length=SHORT)
    # Optional to the schema only: request bodies are validated before the organisation is
    # resolved, and other modules' bodies use ``kind`` with other values (see isolation tests).
    kind: Kind | None = None
    category: Category | None = None
    description: Text = Field("", max_length=LONG)
    effect: Text = Field("", max_length=LONG)
    risks: list[Text] = Field([], max_length=500, description="risk refs, e.g. R-0001")
    is_active: bool = True


class IssuePatch(JsonObject):
    """Send only what changes; ``null`` clears a text."""

    title: Text | None = Field(None, max_length=SHORT)
    kind: Kind | None = None
    category: Category | None = None
    description: Text | None = Field(None, max_length=LONG)
    effect: Text | None = Field(None, max_length=LONG)
    risks: list[Text] | None = Field(None, max_length=500)
    is_active: bool | None = None


class IssueFilters(PageParams):
    kind: Text = Field("", max_length=20)
    category: Text = Field("", max_length=20)
    active: Text = Field("", max_length=5, description="yes or no")
    q: Text = Field("", max_length=100, description="words in the title, description or effect")


def issue_out(i: ContextIssue) -> dict[str, Any]:
    return {
        "id": i.pk,
        "ref": i.ref,
        "title": i.title,
        "kind": i.kind,
        "category": i.category,
        "description": i.description,
        "effect": i.effect,
        "risks": [r.ref for r in i.risks.all()],
        "is_active": i.is_active,
        "created_at": i.created_at,
        "updated_at": i.updated_at,
    }


def clean_patch(data: dict[str, Any]) -> dict[str, Any]:
    if "risks" in data and data["risks"] is None:
        data["risks"] = []
    # ``null`` leaves a choice or a flag as it is: there is nothing to clear.
    for name in ("kind", "category", "is_active"):
        if name in data and data[name] is None:
            del data[name]
    return data
