"""API: internal and external issues (4.1), with the risks they give rise to."""

import datetime as dt
import uuid
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from openisms.api.auth import org_route
from openisms.api.common import ERRORS, PageParams, Text, page_of, paginate
from openisms.api.shared import LONG, SHORT, JsonObject, patch_data
from openisms.context import selectors
from openisms.context.api_common import choice
from openisms.context.models import ContextIssue, IssueCategory, IssueKind
from openisms.context.services import issues as svc

router = Router()
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


def _one(issue_id: uuid.UUID) -> dict[str, Any]:
    return issue_out(get_object_or_404(selectors.issues(), pk=issue_id))


def _data(data: dict[str, Any]) -> dict[str, Any]:
    if "risks" in data and data["risks"] is None:
        data["risks"] = []
    # ``null`` leaves a choice or a flag as it is: there is nothing to clear.
    for name in ("kind", "category", "is_active"):
        if name in data and data[name] is None:
            del data[name]
    return data


@router.get(
    "/issues",
    response={200: page_of(IssueOut), **ERRORS},
    summary="Internal and external issues, filterable by kind, category, status and text",
)
@org_route("records.view")
def list_issues(request: HttpRequest, filters: Query[IssueFilters]):
    result = paginate(selectors.issues(filters.model_dump(exclude={"limit", "offset"})), filters)
    result["items"] = [issue_out(i) for i in result["items"]]
    return result


@router.post("/issues", response={201: IssueOut, **ERRORS})
@org_route("context.change")
def create_issue(request: HttpRequest, payload: IssueIn):
    issue = svc.create_issue(payload.model_dump())
    return Status(201, _one(issue.pk))


@router.get("/issues/{issue_id}", response={200: IssueOut, **ERRORS})
@org_route("records.view")
def get_issue(request: HttpRequest, issue_id: uuid.UUID):
    return _one(issue_id)


@router.patch("/issues/{issue_id}", response={200: IssueOut, **ERRORS})
@org_route("context.change")
def change_issue(request: HttpRequest, issue_id: uuid.UUID, payload: IssuePatch):
    issue = get_object_or_404(ContextIssue, pk=issue_id)
    svc.update_issue(issue, _data(patch_data(payload, TEXT)))
    return _one(issue.pk)


@router.delete("/issues/{issue_id}", response={204: None, **ERRORS})
@org_route("context.change")
def delete_issue(request: HttpRequest, issue_id: uuid.UUID):
    svc.delete_issue(get_object_or_404(ContextIssue, pk=issue_id))
    return Status(204, None)
