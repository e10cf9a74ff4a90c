"""The documents module's kinds of “Waiting for me” (see :mod:`openisms.core.inbox`):
versions to approve, reviews due, acknowledgements owed. Each runs one or two queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q

from openisms.core import inbox
from openisms.core.dates import human_day
from openisms.core.inbox import InboxItem, Kind, Who, owned_by_q
from openisms.documents.models import Document, DocumentVersion, VersionStatus
from openisms.documents.models.document import AUTHORED_FIELDS

REVIEW_HORIZON_DAYS = 30


def authored(user_id: int, versions: list[DocumentVersion]) -> set[Any]:
    """The versions among ``versions`` that ``user_id`` wrote, by the rules of
    ``DocumentVersion.approval_authors`` (one query for all of them): an author is never asked
    to approve their own text (segregation of duties)."""
    from openisms.core.models import AuditEntry

    mine = {v.pk for v in versions if v.author_id == user_id}
    by_id = {str(v.pk): v for v in versions}
    by_doc: dict[str, list[DocumentVersion]] = {}
    for v in versions:
        by_doc.setdefault(str(v.document_id), []).append(v)
    rows = AuditEntry.unscoped.filter(
        organisation_id=versions[0].organisation_id,
        object_type__in=["documents.documentversion", "documents.document"],
        object_id__in=[*by_id, *by_doc],
        action__in=["create", "update"],
        actor_id=user_id,
    ).values_list("object_type", "object_id", "action", "changes", "at")
    for kind, object_id, action, changes, at in rows:
        if kind == "documents.documentversion":
            if action == "create" or AUTHORED_FIELDS & set(changes or {}):
                mine.add(by_id[object_id].pk)
        elif "title" in (changes or {}):
            mine |= {v.pk for v in by_doc[object_id] if at >= v.created_at}
    return mine


def to_approve(who: Who) -> list[InboxItem]:
    """Versions in review that this approver may sign: designated to them or to any approver,
    and not written by them (segregation of duties)."""
    if not who.can("documents.approve"):
        return []
    versions = list(
        DocumentVersion.objects.filter(status=VersionStatus.IN_REVIEW)
        .filter(
            Q(document__approver__isnull=True)
            | owned_by_q(Document, "approver", who.user_id, via="document")
        )
        .exclude(author_id=who.user_id)
        .select_related("document")
        .order_by("submitted_at", "pk")[: who.limit * 2]
    )
    if not versions:
        return []
    mine = authored(who.user_id, versions)
    return [
        who.item(
            "documents.approve",
            f"{v.document.ref} {v.document.title} {v.label}",
            "sign",
            who.link("core:documents:detail", v.document_id),  # where the approver signs
            detail=f"In review since {human_day(v.submitted_at)}" if v.submitted_at else "",
        )
        for v in versions
        if v.pk not in mine
    ][: who.limit]


def reviews_due(who: Who) -> list[InboxItem]:
    """Documents in force whose review is due within 30 days or overdue, that I own or review."""
    from openisms.documents import selectors

    horizon = who.today + dt.timedelta(days=REVIEW_HORIZON_DAYS)
    docs = (
        selectors.in_force()
        .filter(next_review__lte=horizon)
        .filter(
            owned_by_q(Document, "owner", who.user_id)
            | owned_by_q(Document, "reviewer", who.user_id)
        )
        .order_by("next_review", "ref")[: who.limit]
    )
    return [
        who.item(
            "documents.review",
            f"{d.ref} {d.title}",
            "review",
            who.link("core:documents:detail", d.pk),
            due=d.next_review,
        )
        for d in docs
    ]


def acknowledgements(who: Who) -> list[InboxItem]:
    """Published versions I was asked to read and have not acknowledged yet."""
    if not who.can("documents.acknowledge"):
        return []
    from openisms.documents import selectors

    rows = selectors.my_pending(who.user_id)[: who.limit]
    return [
        who.item(
            "documents.acknowledge",
            f"{a.version.document.ref} {a.version.document.title} {a.version.label}",
            "acknowledge",
            who.link("core:documents:read", a.pk),
            due=a.due_on,
        )
        for a in rows
    ]


def register() -> None:
    inbox.register(Kind("documents.approve", "Documents to approve", to_approve, order=10))
    inbox.register(Kind("documents.review", "Document reviews due", reviews_due, order=60))
    inbox.register(
        Kind("documents.acknowledge", "Documents to read and acknowledge", acknowledgements, 70)
    )
