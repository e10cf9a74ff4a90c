"""Writes to the internal and external issues (4.1)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from openisms.context.models import ContextIssue, IssueCategory, IssueKind
from openisms.context.services.common import by_refs, set_choice, set_flag, set_text
from openisms.core.context import require_org
from openisms.core.models.sequence import next_ref
from openisms.risk.models import Risk

TEXT = ("title", "description", "effect")


def _apply(issue: ContextIssue, data: dict[str, Any]) -> list[Risk] | None:
    set_text(issue, data, TEXT)
    if not issue.title:
        raise ValidationError({"title": "Give the issue a short title."})
    set_choice(issue, data, "kind", IssueKind)
    set_choice(issue, data, "category", IssueCategory)
    set_flag(issue, data, "is_active")
    if "risks" in data:
        return by_refs(Risk, data["risks"], "risks")
    return None


@transaction.atomic
def create_issue(data: dict[str, Any]) -> ContextIssue:
    org = require_org()
    issue = ContextIssue(organisation=org)
    for required in ("kind", "category"):
        if not data.get(required):
            raise ValidationError({required: f"Choose the issue's {required}."})
    risks = _apply(issue, {"title": "", **data})
    issue.ref = next_ref(org, "CI")
    issue.full_clean(exclude=["organisation", "risks"])
    issue.save()
    if risks:
        issue.risks.set(risks)
    return issue


@transaction.atomic
def update_issue(issue: ContextIssue, data: dict[str, Any]) -> ContextIssue:
    risks = _apply(issue, data)
    issue.full_clean(exclude=["organisation", "risks"])
    issue.save()
    if risks is not None:
        issue.risks.set(risks)
    return issue


def delete_issue(issue: ContextIssue) -> None:
    issue.delete()
