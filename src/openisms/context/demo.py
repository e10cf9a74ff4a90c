"""Demo context for Demo Manufacturing Ltd: issues, interested parties, the requirements
register and an approved scope v1, written through the services so the audit trail shows the
ISMS manager as their author and top management's real sign-off of the scope.

Idempotent: once the organisation has any context record, the builder leaves it alone.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from openisms.core.context import Actor, acting_as
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


def build_demo(org: Organisation) -> None:
    """Fill the demo organisation's context (runs inside its organisation context)."""
    if _has_context():
        return
    data = load_data()
    members = {
        m.user.username: m
        for m in Membership.objects.active()
        .select_related("user")
        .filter(organisation=org, user__username__in=_usernames(data))
    }
    author = members.get(AUTHOR)
    actor = Actor(user_id=author.user.pk, label=AUTHOR) if author else Actor(None, "openisms demo")
    with acting_as(actor):
        _build_issues(data["issues"])
        parties = _build_parties(data["parties"])
        _build_requirements(data["requirements"], parties, members)
        draft = _build_scope(data["scope"], author.user if author else None)
    approver = members.get(APPROVER)
    if approver is not None:
        from openisms.context.services import scope as scope_svc

        with acting_as(Actor(user_id=approver.user.pk, label=APPROVER)):
            scope_svc.approve(
                draft, approver=approver.user, role=approver.role,
                comment=data["scope"].get("comment", ""),
            )  # fmt: skip


def _usernames(data: dict[str, Any]) -> set[str]:
    return {AUTHOR, APPROVER} | {r["owner"] for r in data["requirements"] if r.get("owner")}


def _build_issues(items: list[dict[str, Any]]) -> None:
    from openisms.context.services.issues import create_issue
    from openisms.risk.models import Risk

    titles = {t for item in items for t in item.get("risks", [])}
    # By title: the risk demo's refs depend on its order; a risk someone removed is skipped.
    risks = {r.title: r for r in Risk.objects.filter(title__in=titles).order_by("ref")}
    for item in items:
        values = {k: v for k, v in item.items() if k != "risks"}
        values["risks"] = [risks[t] for t in item.get("risks", []) if t in risks]
        create_issue(values)


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
