"""Writes to the document register: create (blank or from a policy template), change the
control data, mark a periodic review done, retire. Versions live in ``services.versions``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from openisms.controls import links
from openisms.core.auditing import record
from openisms.core.context import acting_as, require_org
from openisms.core.models import Membership
from openisms.core.models.sequence import next_ref
from openisms.core.permissions import can
from openisms.core.services.lookups import own as _own
from openisms.core.validation import clean_text
from openisms.documents import policy_templates
from openisms.documents.models import (
    Document,
    DocumentKind,
    DocumentStatus,
    DocumentVersion,
    VersionStatus,
)
from openisms.people.identity import is_owner, resolve_owner

APPROVAL_KIND = "document"
MAX_REVIEW_MONTHS = 60
SCOPE_PLACEHOLDER = (
    "[The ISMS scope has not been approved yet. Replace this sentence with the approved scope "
    "statement (clause 4.3) before this document is approved.]"
)
META_FIELDS = (
    "title", "kind", "owner", "reviewer", "approver", "classification", "review_months",
    "controls", "distribution",
)  # fmt: skip


def scope_text() -> str:
    """The approved scope statement (clause 4.3), or a placeholder that asks for one."""
    from openisms.context.models import ScopeStatus, ScopeVersion

    scope = ScopeVersion.objects.filter(status=ScopeStatus.APPROVED).order_by("-number").first()
    return scope.statement.strip() if scope and scope.statement.strip() else SCOPE_PLACEHOLDER


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole calendar months, clamped to the month's end (31 Jan + 1 = 28/29 Feb)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def member(user: Any, field: str, *, may: str | None = None) -> Any:
    """``user`` if an active member (and, with ``may``, in a role allowed that action)."""
    if user in (None, ""):
        return None
    org = require_org()
    membership = Membership.objects.active().filter(organisation=org, user=user).first()
    if membership is None:
        raise ValidationError({field: f"{user} is not a member of {org.name}."})
    if may and not can(membership.role, may):
        raise ValidationError(
            {field: f"{user} is {membership.get_role_display()}: that role may not approve."}
        )
    return user


def persons(values: Any, field: str = "distribution") -> list[Any]:
    """People of the current organisation's register (by object or id)."""
    from openisms.people.models import Person

    if isinstance(values, QuerySet):
        return list(values)
    wanted = list(dict.fromkeys(v.pk if hasattr(v, "pk") else v for v in values or []))
    try:
        found = {p.pk: p for p in Person.objects.filter(pk__in=wanted)}
    except (ValueError, ValidationError):
        raise ValidationError({field: "Name people by their id in the people register."}) from None
    known = {str(pk) for pk in found}
    missing = [str(v) for v in wanted if str(v) not in known]
    if missing:
        raise ValidationError({field: f"Not in the people register: {', '.join(missing)}."})
    return list(found.values())


def _apply(document: Document, data: dict[str, Any]) -> dict[str, Any]:
    """Copy control data onto ``document``; return the many-to-many values to set after saving."""
    from openisms.risk.models import ClassificationLevel

    relations: dict[str, Any] = {}
    if "title" in data:
        document.title = clean_text(data["title"], "title")[:200]
        if not document.title:
            raise ValidationError({"title": "Give the document a title."})
    if "kind" in data:
        if data["kind"] not in DocumentKind.values:
            raise ValidationError({"kind": f"Choose one of: {', '.join(DocumentKind.values)}."})
        document.kind = data["kind"]
    if "owner" in data:
        owner = resolve_owner(data["owner"], "owner")
        if owner is None:
            raise ValidationError({"owner": "Every document needs an owner (clause 7.5.3)."})
        document.owner = owner
    if "reviewer" in data:
        document.reviewer = resolve_owner(data["reviewer"], "reviewer")
    if "approver" in data:
        document.approver = member(data["approver"], "approver", may="documents.approve")
    if "classification" in data:
        document.classification = _own(
            ClassificationLevel, data["classification"], "classification"
        )
    if "review_months" in data:
        try:
            months = int(data["review_months"])
        except (TypeError, ValueError):
            months = 0
        if not 1 <= months <= MAX_REVIEW_MONTHS:
            raise ValidationError(
                {
                    "review_months": f"Review at least every {MAX_REVIEW_MONTHS} months (1 to "
                    f"{MAX_REVIEW_MONTHS})."
                }  # fmt: skip
            )
        document.review_months = months
    if "controls" in data:
        relations["controls"] = links.resolve(data["controls"])
    if "distribution" in data:
        relations["distribution"] = persons(data["distribution"])
    return relations


@transaction.atomic
def create_document(data: dict[str, Any], *, user: Any) -> Document:
    """A new document with its first draft (v1), written by ``user``."""
    org = require_org()
    # The author must be the creator in the audit trail: that is what keeps them from
    # approving their own text (segregation of duties).
    with acting_as(user):
        document = Document(organisation=org, kind=DocumentKind.POLICY)
        relations = _apply(document, {"title": "", "owner": user, **data})
        document.ref = next_ref(org, "DOC")
        document.template_key = clean_text(data.get("template_key", ""), "template_key")[:50]
        document.full_clean(exclude=["organisation", "controls", "distribution"])
        document.save()
        for name, values in relations.items():
            getattr(document, name).set(values)
        version = DocumentVersion(
            organisation=org,
            document=document,
            number=1,
            author=user,
            content=clean_text(data.get("content", ""), "content"),
            change_summary=clean_text(data.get("change_summary", ""), "change_summary")[:300]
            or "First version.",
        )
        version.full_clean(exclude=["organisation", "document", "file"])
        version.save()
        sync(document)
    return document


def create_from_template(
    key: str, owner: Any, *, user: Any = None, data: dict[str, Any] | None = None
) -> Document:
    """A document started from a policy template: its title, kind, controls and review cycle,
    and its text with the organisation's name and approved scope filled in."""
    try:
        template = policy_templates.get_template(key)
    except KeyError:
        raise ValidationError({"template": f"Unknown policy template “{key}”."}) from None
    org = require_org()
    values = {
        "title": template.title,
        "kind": template.kind,
        "controls": list(template.controls),
        "review_months": template.review_months,
        "owner": owner,
        "content": policy_templates.render(key, org.name, scope_text()),
        "change_summary": f"Created from the template “{template.title}”.",
        **(data or {}),
        "template_key": template.key,
    }
    return create_document(values, user=user or owner)


@transaction.atomic
def update_document(document: Document, data: dict[str, Any]) -> Document:
    """Change the control data (owner, reviewer, approver, classification, cycle, …)."""
    if document.status == DocumentStatus.RETIRED:
        raise ValidationError("The document is retired; its record can no longer change.")
    if "title" in data and (data["title"] or "").strip() != document.title:
        latest = document.latest_version
        if latest is not None and latest.status != VersionStatus.DRAFT:
            raise ValidationError(
                {
                    "title": "The title is part of the approved text: start a new version to "
                    "change it."
                }  # fmt: skip
            )
    months_before = document.review_months
    relations = _apply(document, {k: v for k, v in data.items() if k in META_FIELDS})
    if document.review_months != months_before and document.published_version_id:
        base = document.published_version.published_at
        start = timezone.localdate(base) if base else timezone.localdate()
        document.next_review = add_months(start, document.review_months)
    document.full_clean(exclude=["organisation", "controls", "distribution"])
    document.save()
    for name, values in relations.items():
        getattr(document, name).set(values)
    return document


def may_review(document: Document, user: Any, role: str) -> bool:
    """The owner or reviewer (with an editing role), or an ISMS manager."""
    if can(role, "documents.publish"):
        return True
    return can(role, "documents.change") and (
        is_owner(document, user) or is_owner(document, user, "reviewer")
    )


@transaction.atomic
def mark_reviewed(document: Document, *, user: Any, role: str, note: str = "") -> Document:
    """A periodic review found nothing to change: the next review moves one cycle on."""
    if document.status == DocumentStatus.RETIRED or document.published_version_id is None:
        raise ValidationError("Only a published document is reviewed; publish a version first.")
    if not may_review(document, user, role):
        raise ValidationError(
            "The document's owner, its reviewer or an ISMS manager records its review."
        )
    before = document.next_review
    document.next_review = add_months(timezone.localdate(), document.review_months)
    document.save(update_fields=["next_review", "updated_at"])
    record(
        "reviewed",
        document,
        {
            "next_review": [before.isoformat() if before else None,
                            document.next_review.isoformat()],
            "reviewed_by": user.get_username(),
            "version": document.published_version.label,
            "note": clean_text(note, "note")[:2000],
        },
    )  # fmt: skip
    return document


@transaction.atomic
def retire(document: Document) -> Document:
    """Withdraw the document: it and its versions in force or in progress are retired."""
    if document.status == DocumentStatus.RETIRED:
        raise ValidationError("The document is already retired.")
    now = timezone.now()
    open_statuses = [
        VersionStatus.PUBLISHED, VersionStatus.DRAFT, VersionStatus.IN_REVIEW,
        VersionStatus.APPROVED,
    ]  # fmt: skip
    for version in DocumentVersion.objects.filter(document=document, status__in=open_statuses):
        version.status = VersionStatus.RETIRED
        version.save(update_fields=["status"])
    document.retired_at = now
    document.next_review = None
    document.save(update_fields=["retired_at", "next_review", "updated_at"])
    sync(document)
    return document


def sync(document: Document) -> None:
    """Keep ``status`` (the newest version's, or retired) and ``latest_version`` in step."""
    latest = DocumentVersion.objects.filter(document=document).order_by("-number").first()
    document.latest_version = latest
    if document.retired_at is not None:
        document.status = DocumentStatus.RETIRED
    elif latest is not None:
        status = latest.status
        document.status = status if status in DocumentStatus.values else DocumentStatus.PUBLISHED
    document.save(update_fields=["latest_version", "status", "updated_at"])
