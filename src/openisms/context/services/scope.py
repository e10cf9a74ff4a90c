"""The ISMS scope (4.3): drafts, edits, approval by top management, the version in force.

A new draft copies the latest version; only a draft may change. Approval goes through the core
sign-off (content hash, author never approves); the approved draft becomes the scope in force and
the one it replaces is kept, superseded.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from openisms.context.models import ScopeStatus, ScopeVersion
from openisms.context.models.scope import BOUNDARY_FIELDS
from openisms.core.auditing import object_type
from openisms.core.context import require_org
from openisms.core.models import Approval, Decision, Organisation
from openisms.core.services.approvals import (
    ApprovalRefused,
    approval_status,
    content_hash,
    decide,
)
from openisms.core.validation import clean_text

APPROVAL_KIND = "scope"
APPROVE_ACTION = "scope.approve"
MAX_ITEMS = 200
MAX_ITEM_LENGTH = 500
BOUNDARY_LABELS = {
    "processes": "Processes and activities",
    "locations": "Locations",
    "units": "Organisational units",
    "technology": "Technology",
    "interfaces": "Interfaces and dependencies",
}
FIELD_LABELS = {
    "statement": "Scope statement",
    **BOUNDARY_LABELS,
    "exclusions": "Exclusions",
    "justification": "Justification",
}
STARTER_STATEMENT = (
    "The information security management system of {name} covers … (what the organisation "
    "does, where, and with which information and systems)."
)


def latest() -> ScopeVersion | None:
    return ScopeVersion.objects.order_by("-number").first()


def current_draft() -> ScopeVersion | None:
    return ScopeVersion.objects.filter(status=ScopeStatus.DRAFT).order_by("-number").first()


def approved() -> ScopeVersion | None:
    return ScopeVersion.objects.filter(status=ScopeStatus.APPROVED).order_by("-number").first()


def _lock_organisation() -> Organisation:
    # One writer at a time per organisation: two people starting a draft (or approving) at once
    # would otherwise both pick the same number or both supersede the same version.
    return Organisation.objects.select_for_update().get(pk=require_org().pk)


@transaction.atomic
def start_draft(*, user: Any = None, change_summary: str = "") -> ScopeVersion:
    """A new draft: a copy of the latest version (or a starter text for the first one)."""
    org = _lock_organisation()
    pending = current_draft()
    if pending is not None:
        raise ValidationError(
            f"Draft v{pending.number} is already being prepared; edit it, or discard it first."
        )
    base = latest()
    draft = ScopeVersion(
        organisation=org,
        number=(base.number + 1) if base else 1,
        status=ScopeStatus.DRAFT,
        created_by=user,
        change_summary=clean_text(change_summary, "change_summary"),
    )
    if base is not None:
        draft.statement = base.statement
        draft.justification = base.justification
        draft.exclusions = [dict(e) for e in base.exclusions]
        for name in BOUNDARY_FIELDS:
            setattr(draft, name, list(getattr(base, name)))
    else:
        draft.statement = STARTER_STATEMENT.format(name=org.name)
    draft.full_clean(exclude=["organisation", "created_by"])
    draft.save()
    return draft


def clean_items(value: Any, field: str) -> list[str]:
    """A boundary list: one entry per line (text) or a list of strings; blanks dropped."""
    if value is None:
        return []
    if isinstance(value, str):
        value = value.splitlines()
    if not isinstance(value, (list, tuple)):
        raise ValidationError({field: "Give a list of short entries."})
    items = []
    for raw in value:
        if not isinstance(raw, str):
            raise ValidationError({field: "Each entry must be text."})
        text = clean_text(raw, field)
        if len(text) > MAX_ITEM_LENGTH:
            raise ValidationError(
                {field: f"Keep each entry under {MAX_ITEM_LENGTH} characters: “{text[:40]}…”."}
            )
        if text:
            items.append(text)
    if len(items) > MAX_ITEMS:
        raise ValidationError({field: f"At most {MAX_ITEMS} entries."})
    return list(dict.fromkeys(items))


def clean_exclusions(value: Any) -> list[dict[str, str]]:
    """Exclusions as ``[{"item", "justification"}]``; every excluded item needs a reason."""
    if value is None:
        return []
    if not isinstance(value, (list, tuple)):
        raise ValidationError({"exclusions": "Give a list of {item, justification} entries."})
    result: list[dict[str, str]] = []
    problems: list[str] = []
    for raw in value:
        if not isinstance(raw, dict) or set(raw) - {"item", "justification"}:
            raise ValidationError(
                {"exclusions": "Each exclusion has exactly an item and a justification."}
            )
        item = raw.get("item") or ""
        reason = raw.get("justification") or ""
        if not isinstance(item, str) or not isinstance(reason, str):
            raise ValidationError({"exclusions": "Item and justification must be text."})
        item, reason = clean_text(item, "exclusions"), clean_text(reason, "exclusions")
        if not item and not reason:
            continue
        if not item:
            problems.append(f"Say what is excluded for the justification “{reason[:60]}”.")
        elif not reason:
            problems.append(f"Justify the exclusion of “{item[:60]}”: clause 4.3 asks why.")
        elif len(item) > MAX_ITEM_LENGTH or len(reason) > 5000:
            problems.append(f"The exclusion “{item[:40]}…” is too long.")
        result.append({"item": item, "justification": reason})
    if problems:
        raise ValidationError({"exclusions": problems})
    if len(result) > MAX_ITEMS:
        raise ValidationError({"exclusions": f"At most {MAX_ITEMS} exclusions."})
    return result


def _require_draft(scope: ScopeVersion) -> None:
    if scope.status != ScopeStatus.DRAFT:
        raise ValidationError(
            f"Scope v{scope.number} is {scope.get_status_display().lower()} and can no longer "
            "change; start a new draft instead."
        )


@transaction.atomic
def update_draft(scope: ScopeVersion, data: dict[str, Any]) -> ScopeVersion:
    scope = ScopeVersion.objects.select_for_update().get(pk=scope.pk)
    _require_draft(scope)
    for name in ("statement", "justification", "change_summary"):
        if name in data:
            setattr(scope, name, clean_text(data[name], name))
    if not scope.statement:
        raise ValidationError({"statement": "Write the scope statement: what the ISMS covers."})
    for name in BOUNDARY_FIELDS:
        if name in data:
            setattr(scope, name, clean_items(data[name], name))
    if "exclusions" in data:
        scope.exclusions = clean_exclusions(data["exclusions"])
    scope.full_clean(exclude=["organisation", "created_by"])
    scope.save()
    return scope


@transaction.atomic
def discard_draft(scope: ScopeVersion) -> None:
    _require_draft(scope)
    scope.delete()


def _check_complete(scope: ScopeVersion) -> None:
    if not scope.statement.strip() or scope.statement == STARTER_STATEMENT.format(
        name=scope.organisation.name
    ):
        raise ValidationError({"statement": "Write the scope statement before approval."})
    clean_exclusions(scope.exclusions)


@transaction.atomic
def approve(scope: ScopeVersion, *, approver: Any, role: str, comment: str = "") -> Approval:
    """Top management approves the draft: it becomes the scope in force."""
    _lock_organisation()
    scope = ScopeVersion.objects.select_for_update().get(pk=scope.pk)
    _require_draft(scope)
    _check_complete(scope)
    approval = decide(
        scope, approver=approver, role=role, decision="approved", kind=APPROVAL_KIND,
        comment=clean_text(comment, "comment"), version_label=f"v{scope.number}",
        action=APPROVE_ACTION,
    )  # fmt: skip
    now = timezone.now()
    ScopeVersion.objects.filter(status=ScopeStatus.APPROVED).exclude(pk=scope.pk).update(
        status=ScopeStatus.SUPERSEDED
    )
    scope.status = ScopeStatus.APPROVED
    scope.approved_at = now
    scope.save()
    return approval


@transaction.atomic
def reject(scope: ScopeVersion, *, approver: Any, role: str, comment: str) -> Approval:
    """Top management sends the draft back with a reason; it stays an editable draft."""
    scope = ScopeVersion.objects.select_for_update().get(pk=scope.pk)
    _require_draft(scope)
    return decide(
        scope, approver=approver, role=role, decision="rejected", kind=APPROVAL_KIND,
        comment=clean_text(comment, "comment"), version_label=f"v{scope.number}",
        action=APPROVE_ACTION,
    )  # fmt: skip


def approval_state(scope: ScopeVersion) -> dict[str, Any]:
    return approval_status(scope, APPROVAL_KIND)


def approval_states(versions: list[ScopeVersion]) -> dict[Any, dict[str, Any]]:
    """:func:`approval_state` of many versions in one query (lists of versions)."""
    latest: dict[str, Approval] = {}
    for approval in Approval.objects.filter(
        subject_type=object_type(ScopeVersion), kind=APPROVAL_KIND,
        subject_id__in=[str(v.pk) for v in versions],
    ).select_related("approver"):  # fmt: skip
        latest.setdefault(approval.subject_id, approval)  # newest first
    states = {}
    for version in versions:
        found = latest.get(str(version.pk))
        if found is None:
            states[version.pk] = {"state": "none", "approval": None}
            continue
        current = found.content_hash == content_hash(version)
        if found.decision == Decision.REJECTED:
            state = "rejected"
        else:
            state = "approved" if current else "outdated"
        states[version.pk] = {"state": state, "approval": found, "current": current}
    return states


__all__ = [
    "APPROVAL_KIND",
    "ApprovalRefused",
    "approve",
    "approved",
    "current_draft",
    "discard_draft",
    "latest",
    "reject",
    "start_draft",
    "update_draft",
]
