"""A document version's life: draft → in review → approved → published (→ superseded/retired).

Only drafts change. Approval is a ``core`` sign-off bound to the version's content hash, never
by one of its authors, and only by the document's designated approver when it has one.
Publishing puts the version in force, supersedes the previous one, starts the review cycle and
can ask the distribution list (or all staff) to read and acknowledge it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from openisms.core.context import acting_as
from openisms.core.models import Approval
from openisms.core.services.approvals import ApprovalRefused, approval_status, decide
from openisms.core.validation import clean_text
from openisms.documents.models import Document, DocumentStatus, DocumentVersion, VersionStatus
from openisms.documents.services.documents import APPROVAL_KIND, add_months, sync

PENDING = (VersionStatus.DRAFT, VersionStatus.IN_REVIEW, VersionStatus.APPROVED)
AUDIENCES = ("none", "distribution", "all")


def require_draft(version: DocumentVersion) -> None:
    if version.status != VersionStatus.DRAFT:
        raise ValidationError(
            f"{version} is {version.get_status_display().lower()}: only a draft can be edited. "
            "Start a new version to change it."
        )


def _require(version: DocumentVersion, status: str, doing: str) -> None:
    if version.status != status:
        raise ValidationError(
            f"{version} is {version.get_status_display().lower()}; only a version that is "
            f"{VersionStatus(status).label.lower()} can be {doing}."
        )


def _locked(document: Document) -> Document:
    """The document row, locked until commit: transitions of one document queue up."""
    return Document.objects.select_for_update().get(pk=document.pk)


@transaction.atomic
def edit_draft(version: DocumentVersion, data: dict[str, Any], *, user: Any) -> DocumentVersion:
    """Change a draft's Markdown and/or change summary (files: ``services.files``)."""
    require_draft(version)
    with acting_as(user):
        if "content" in data:
            version.content = clean_text(data["content"], "content")
        if "change_summary" in data:
            version.change_summary = clean_text(data["change_summary"], "change_summary")[:300]
        version.full_clean(exclude=["organisation", "document", "file"])
        version.save()
    return version


@transaction.atomic
def new_version(document: Document, *, user: Any, change_summary: str = "") -> DocumentVersion:
    """The next draft, starting from the newest version's text and file."""
    document = _locked(document)
    if document.status == DocumentStatus.RETIRED:
        raise ValidationError("The document is retired; it gets no new versions.")
    pending = DocumentVersion.objects.filter(document=document, status__in=PENDING).first()
    if pending is not None:
        raise ValidationError(
            f"{pending} is still {pending.get_status_display().lower()}: finish or publish it "
            "before starting another version."
        )
    latest = DocumentVersion.objects.filter(document=document).order_by("-number").first()
    with acting_as(user):
        version = DocumentVersion(
            organisation_id=document.organisation_id,
            document=document,
            number=(latest.number + 1) if latest else 1,
            author=user,
            change_summary=clean_text(change_summary, "change_summary")[:300],
        )
        if latest is not None:
            version.content = latest.content
            # The file is shared until the draft gets its own (stored under its own id).
            version.file = latest.file.name if latest.file else ""
            version.file_name, version.file_type = latest.file_name, latest.file_type
            version.file_size, version.file_sha256 = latest.file_size, latest.file_sha256
        version.save()
    sync(document)
    return version


@transaction.atomic
def submit(version: DocumentVersion, *, user: Any) -> DocumentVersion:
    """Send a draft for review and approval."""
    _require(version, VersionStatus.DRAFT, "sent for approval")
    if not version.content.strip() and not version.file:
        raise ValidationError("Write the text or attach a file before sending it for approval.")
    version.status = VersionStatus.IN_REVIEW
    version.submitted_at = timezone.now()
    version.save(update_fields=["status", "submitted_at"])
    sync(version.document)
    return version


def _check_approver(version: DocumentVersion, user: Any) -> None:
    designated = version.document.approver
    if designated is not None and designated.pk != user.pk:
        raise ApprovalRefused(
            f"{version.document.ref} names {designated.get_username()} as its approver; only "
            "they may approve or reject it."
        )


@transaction.atomic
def approve(version: DocumentVersion, *, user: Any, role: str, comment: str = "") -> Approval:
    _require(version, VersionStatus.IN_REVIEW, "approved")
    _check_approver(version, user)
    approval = decide(
        version, approver=user, role=role, decision="approved", kind=APPROVAL_KIND,
        comment=clean_text(comment, "comment"), version_label=version.label,
        action="documents.approve",
    )  # fmt: skip
    version.status = VersionStatus.APPROVED
    version.approved_at, version.approved_by = approval.decided_at, user
    version.save(update_fields=["status", "approved_at", "approved_by"])
    sync(version.document)
    return approval


@transaction.atomic
def reject(version: DocumentVersion, *, user: Any, role: str, comment: str) -> Approval:
    """Send the version back to its authors as a draft, saying why."""
    _require(version, VersionStatus.IN_REVIEW, "rejected")
    _check_approver(version, user)
    approval = decide(
        version, approver=user, role=role, decision="rejected", kind=APPROVAL_KIND,
        comment=clean_text(comment, "comment"), version_label=version.label,
        action="documents.approve",
    )  # fmt: skip
    version.status = VersionStatus.DRAFT
    version.submitted_at = None
    version.save(update_fields=["status", "submitted_at"])
    sync(version.document)
    return approval


def approval_of(version: DocumentVersion) -> dict[str, Any]:
    return approval_status(version, APPROVAL_KIND)


@transaction.atomic
def publish(
    version: DocumentVersion,
    *,
    user: Any,
    audience: str = "none",
    due_on: dt.date | None = None,
) -> int:
    """Put an approved version in force; returns how many people were asked to acknowledge it."""
    from openisms.documents.services.acknowledgements import audience_of, request_acknowledgements

    document = _locked(version.document)
    _require(version, VersionStatus.APPROVED, "published")
    if audience not in AUDIENCES:
        raise ValidationError({"audience": "Choose nobody, the distribution list or all staff."})
    if approval_of(version)["state"] != "approved":
        raise ValidationError(
            f"The approval of {version} no longer matches its text; send it for approval again."
        )
    now = timezone.now()
    previous = document.published_version
    if previous is not None and previous.pk != version.pk:
        previous.status = VersionStatus.SUPERSEDED
        previous.save(update_fields=["status"])
    version.status = VersionStatus.PUBLISHED
    version.published_at = now
    version.save(update_fields=["status", "published_at"])
    document.published_version = version
    document.next_review = add_months(timezone.localdate(now), document.review_months)
    document.save(update_fields=["published_version", "next_review", "updated_at"])
    sync(document)
    version.document = document
    if audience == "none":
        return 0
    return request_acknowledgements(
        version, audience_of(document, audience), due_on=due_on, user=user
    )
