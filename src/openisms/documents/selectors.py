"""Reads of document control: the register, versions and their differences, reviews due,
acknowledgement progress and a person's reading list. Constant queries whatever the size."""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from openisms.core.models import AuditEntry
from openisms.documents.models import (
    Acknowledgement,
    Document,
    DocumentStatus,
    DocumentVersion,
    VersionStatus,
)
from openisms.people.identity import owner_filter_q

FILTERS = ("kind", "status", "owner", "overdue", "q")
DUE_SOON_DAYS = 30


def register(filters: dict[str, str] | None = None) -> QuerySet[Document]:
    f = {k: (v or "").strip() for k, v in (filters or {}).items()}
    qs = Document.objects.select_related("owner", "published_version", "latest_version")
    if f.get("kind"):
        qs = qs.filter(kind=f["kind"])
    if f.get("status"):
        qs = qs.filter(status=f["status"])
    if f.get("owner"):
        qs = qs.filter(owner_filter_q(f["owner"]))
    if f.get("overdue") in ("1", "true", "yes", "on"):
        qs = review_overdue(qs)
    if f.get("q"):
        qs = qs.filter(Q(title__icontains=f["q"]) | Q(ref__iexact=f["q"]))
    return qs.order_by("ref")


def in_force(qs: QuerySet[Document] | None = None) -> QuerySet[Document]:
    """Documents with a published version in force (a new draft may be under way)."""
    qs = Document.objects.all() if qs is None else qs
    return qs.filter(published_version__isnull=False).exclude(status=DocumentStatus.RETIRED)


def review_overdue(qs: QuerySet[Document] | None = None) -> QuerySet[Document]:
    return in_force(qs).filter(next_review__lt=timezone.localdate())


def reviews_due(days: int = DUE_SOON_DAYS) -> QuerySet[Document]:
    """Overdue, or due within ``days``: what the dashboard shows."""
    horizon = timezone.localdate() + dt.timedelta(days=days)
    return (
        in_force()
        .filter(next_review__lte=horizon)
        .select_related("owner")
        .order_by("next_review", "ref")
    )


def is_overdue(document: Document) -> bool:
    return (
        document.published_version_id is not None
        and document.status != DocumentStatus.RETIRED
        and document.next_review is not None
        and document.next_review < timezone.localdate()
    )


def versions(document: Document) -> QuerySet[DocumentVersion]:
    return (
        DocumentVersion.objects.filter(document=document)
        .select_related("author", "approved_by")
        .order_by("-number")
    )


def previous_version(version: DocumentVersion) -> DocumentVersion | None:
    return (
        DocumentVersion.objects.filter(document_id=version.document_id, number__lt=version.number)
        .order_by("-number")
        .first()
    )


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "same" | "add" | "del" | "gap"
    old_no: int | None
    new_no: int | None
    text: str


def diff_lines(old: str, new: str, context: int = 3) -> list[DiffLine]:
    """A line-by-line comparison (difflib) with ``context`` unchanged lines around changes."""
    a, b = (old or "").splitlines(), (new or "").splitlines()
    out: list[DiffLine] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for group in matcher.get_grouped_opcodes(context):
        if out:
            out.append(DiffLine("gap", None, None, "…"))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out += [DiffLine("same", i1 + k + 1, j1 + k + 1, a[i1 + k]) for k in range(i2 - i1)]
                continue
            out += [DiffLine("del", i + 1, None, a[i]) for i in range(i1, i2)]
            out += [DiffLine("add", None, j + 1, b[j]) for j in range(j1, j2)]
    return out


def diff_summary(lines: list[DiffLine]) -> dict[str, int]:
    return {
        "added": sum(1 for line in lines if line.kind == "add"),
        "removed": sum(1 for line in lines if line.kind == "del"),
    }


def ack_progress(version: DocumentVersion | None, outstanding_limit: int = 50) -> dict[str, Any]:
    """n of m acknowledged, and the first ``outstanding_limit`` people still to do it."""
    if version is None:
        return {"total": 0, "done": 0, "outstanding": [], "more": 0, "percent": 0}
    counts = Acknowledgement.objects.filter(version=version).aggregate(
        total=Count("id"), done=Count("id", filter=Q(acknowledged_at__isnull=False))
    )
    outstanding = list(
        Acknowledgement.objects.filter(version=version, acknowledged_at__isnull=True)
        .select_related("person")
        .order_by("person__full_name")[:outstanding_limit]
    )
    waiting = counts["total"] - counts["done"]
    return {
        **counts,
        "outstanding": outstanding,
        "more": max(0, waiting - len(outstanding)),
        "percent": round(100 * counts["done"] / counts["total"]) if counts["total"] else 0,
    }


def acknowledgements_of(version: DocumentVersion) -> QuerySet[Acknowledgement]:
    return (
        Acknowledgement.objects.filter(version=version)
        .select_related("person", "acknowledged_by", "requested_by")
        .order_by("person__full_name")
    )


def my_pending(user: Any) -> QuerySet[Acknowledgement]:
    """Requests for the person whose login is ``user``, for versions still in force."""
    return (
        Acknowledgement.objects.filter(
            person__user=user,
            acknowledged_at__isnull=True,
            version__status=VersionStatus.PUBLISHED,
        )
        .select_related("version__document", "person")
        .order_by("due_on", "-requested_at")
    )


def my_done(user: Any, limit: int = 20) -> list[Acknowledgement]:
    return list(
        Acknowledgement.objects.filter(person__user=user, acknowledged_at__isnull=False)
        .select_related("version__document", "acknowledged_by")
        .order_by("-acknowledged_at")[:limit]
    )


def last_review(document: Document) -> AuditEntry | None:
    """The latest "reviewed without change" entry of the audit trail."""
    return (
        AuditEntry.objects.filter(
            object_type="documents.document", object_id=str(document.pk), action="reviewed"
        )
        .order_by("-seq")
        .first()
    )


def dashboard(user: Any, limit: int = 8) -> dict[str, Any]:
    """Two counts, and the first rows only of what is not empty: 2 to 4 queries."""
    due, pending = reviews_due(), my_pending(user)
    due_count, pending_count = due.count(), pending.count()
    return {
        "due": list(due[:limit]) if due_count else [],
        "due_count": due_count,
        "today": timezone.localdate(),
        "pending": list(pending[:limit]) if pending_count else [],
        "pending_count": pending_count,
    }
