"""Demo context for Demo Manufacturing Ltd: issues, interested parties, the requirements
register and an approved scope v1, written through the services so the audit trail shows the
ISMS manager as their author and top management's real sign-off of the scope.

Idempotent: once the organisation has any context record, the builder leaves it alone.
The context comes first in the story (:class:`openisms.core.demo.When`); the issues are linked
to the risks once the risk assessment has found them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from openisms.core.context import Actor, acting_as
from openisms.core.demo import DemoStep, When, schedule
from openisms.core.models import Membership, Organisation

DEMO_DATA = Path(__file__).resolve().parent / "data" / "demo.json"
AUTHOR = "manager"
APPROVER = "approver"


def load_data() -> dict[str, Any]:
    return json.loads(DEMO_DATA.read_text(encoding="utf-8"))


def _has_context() -> bool:
    from openisms.context.models import ContextIssue, InterestedParty, Obligation, ScopeVersion

    return any(
        m.objects.exists() for m in (ContextIssue, InterestedParty, Obligation, ScopeVersion)
    )


def build_demo(org: Organisation) -> list[DemoStep]:
    """The context's steps for the demo organisation (none once it has any context record)."""
    if _has_context():
        return []
    data = load_data()
    members = {
        m.user.username: m
        for m in Membership.objects.active()
        .select_related("user")
        .filter(organisation=org, user__username__in=_usernames(data))
    }
    author = members.get(AUTHOR)
    actor = Actor(user_id=author.user.pk, label=AUTHOR) if author else Actor(None, "openisms demo")
    state: dict[str, Any] = {}

    def context() -> None:
        with acting_as(actor):
            state["issues"] = _build_issues(data["issues"])
            parties = _build_parties(data["parties"])
            _build_requirements(data["requirements"], parties, members)
            state["draft"] = _build_scope(data["scope"], author.user if author else None)

    def approve() -> None:
        from openisms.context.services import scope as scope_svc

        approver = members.get(APPROVER)
        if approver is None:
            return
        with acting_as(Actor(user_id=approver.user.pk, label=APPROVER)):
            scope_svc.approve(
                state["draft"], approver=approver.user, role=approver.role,
                comment=data["scope"].get("comment", ""),
            )  # fmt: skip

    def link() -> None:
        with acting_as(actor):
            _link_issues(data["issues"], state["issues"])

    return schedule(
        [
            DemoStep(When.CONTEXT, context, "context and scope draft"),
            DemoStep(When.SCOPE_APPROVED, approve, "scope approved"),
            DemoStep(When.ISSUES_LINKED, link, "issues linked to risks"),
        ]
    )


def _usernames(data: dict[str, Any]) -> set[str]:
    return {AUTHOR, APPROVER} | {r["owner"] for r in data["requirements"] if r.get("owner")}


def _build_issues(items: list[dict[str, Any]]) -> list[Any]:
    from openisms.context.services.issues import create_issue

    return [create_issue({k: v for k, v in item.items() if k != "risks"}) for item in items]


def _link_issues(items: list[dict[str, Any]], issues: list[Any]) -> None:
    from openisms.context.services.issues import update_issue
    from openisms.risk.models import Risk

    titles = {t for item in items for t in item.get("risks", [])}
    # By title: the risk demo's refs depend on its order; a risk someone removed is skipped.
    risks = {r.title: r for r in Risk.objects.filter(title__in=titles).order_by("ref")}
    for item, issue in zip(items, issues, strict=True):
        found = [risks[t] for t in item.get("risks", []) if t in risks]
        if found:
            update_issue(issue, {"risks": found})


def _build_parties(items: list[dict[str, Any]]) -> dict[str, Any]:
    from openisms.context.services.parties import create_party

    return {
        item["key"]: create_party({k: v for k, v in item.items() if k != "key"}) for item in items
    }


def _build_requirements(
    items: list[dict[str, Any]], parties: dict[str, Any], members: dict[str, Any]
) -> None:
    from openisms.context.services.parties import create_obligation

    for item in items:
        owner = members.get(item.get("owner") or "")
        create_obligation({
            **{k: v for k, v in item.items() if k not in ("owner", "parties")},
            "owner": owner.user if owner else None,
            "parties": [parties[p] for p in item.get("parties", []) if p in parties],
        })  # fmt: skip


def _build_scope(item: dict[str, Any], author: Any) -> Any:
    from openisms.context.services import scope as scope_svc

    draft = scope_svc.start_draft(user=author)
    fields = {k: v for k, v in item.items() if k != "comment"}
    return scope_svc.update_draft(draft, fields)
