"""Sign-off of any ISMS record, bound to the exact version approved.

Later features (policy, SoA, treatment plan, risk acceptance, review minutes) call
:func:`decide`. The approved version is identified by a SHA-256 of the record's content, so an
approval of yesterday's text does not silently cover today's. Segregation of duties: anyone who
authored the item — by default, anyone the audit trail shows creating or changing it — is
refused as its approver.
"""

from __future__ import annotations

import hashlib
from typing import Any, Protocol

from django.core.exceptions import ValidationError
from django.db import models

from openisms.core.auditing import object_type, record, snapshot
from openisms.core.models import Approval, AuditEntry, Decision
from openisms.core.models.audit import canonical_json
from openisms.core.permissions import can

VOLATILE_FIELDS = {"updated_at", "last_used_at"}


class Approvable(Protocol):
    pk: Any

    def approval_content(self) -> Any: ...


class ApprovalRefused(ValidationError):
    pass


def content_hash(subject: models.Model) -> str:
    getter = getattr(subject, "approval_content", None)
    if callable(getter):
        content = getter()
    else:
        content = {k: v for k, v in snapshot(subject).items() if k not in VOLATILE_FIELDS}
    return hashlib.sha256(canonical_json(content).encode()).hexdigest()


def authors_of(subject: models.Model) -> set[int]:
    """Users who created or changed ``subject``, read from the audit trail."""
    getter = getattr(subject, "approval_authors", None)
    if callable(getter):
        return set(getter())
    ids = (
        AuditEntry.unscoped.filter(
            object_type=object_type(subject),
            object_id=str(subject.pk),
            action__in=["create", "update"],
            actor__isnull=False,
        )
        .values_list("actor_id", flat=True)
        .distinct()
    )
    return set(ids)


def decide(
    subject: models.Model,
    *,
    approver: Any,
    role: str,
    decision: str,
    kind: str,
    comment: str = "",
    version_label: str = "",
    action: str = "approvals.decide",
) -> Approval:
    """Record ``approver``'s decision on the current version of ``subject``.

    ``action`` is the permission the decision needs (domains use narrower ones, e.g. a risk
    owner's sign-off of their part of the treatment plan).
    """
    if decision not in Decision.values:
        raise ApprovalRefused(f"Unknown decision “{decision}”.")
    if not can(role, action):
        raise ApprovalRefused("Your role may not approve or reject records.")
    authors = authors_of(subject)
    if approver.pk in authors:
        raise ApprovalRefused(
            "You authored or changed this item, so you cannot approve it yourself: "
            "ask another approver (segregation of duties)."
        )
    if decision == Decision.REJECTED and not comment.strip():
        raise ApprovalRefused("Say why you reject it, so the author can act on it.")
    approval = Approval(
        organisation_id=subject.organisation_id,
        subject_type=object_type(subject),
        subject_id=str(subject.pk),
        subject_repr=str(subject)[:200],
        kind=kind,
        content_hash=content_hash(subject),
        version_label=version_label,
        author_id=min(authors) if len(authors) == 1 else None,
        approver=approver,
        approver_role=role,
        decision=decision,
        comment=comment,
    )
    approval.save()
    record(decision, subject, {"approval": str(approval.pk), "content_hash": approval.content_hash})
    return approval


def approval_status(subject: models.Model, kind: str) -> dict[str, Any]:
    """The latest decision on ``subject`` and whether it still covers the current content."""
    latest = (
        Approval.objects.filter(
            subject_type=object_type(subject), subject_id=str(subject.pk), kind=kind
        )
        .select_related("approver")
        .first()
    )
    if latest is None:
        return {"state": "none", "approval": None}
    current = latest.content_hash == content_hash(subject)
    if latest.decision == Decision.REJECTED:
        state = "rejected"
    else:
        state = "approved" if current else "outdated"
    return {"state": state, "approval": latest, "current": current}
