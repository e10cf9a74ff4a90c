"""Controlled documents (7.5): a document with an owner and a review cycle, and its versions.

A version moves draft → in review → approved → published; publishing supersedes the version in
force. The document's ``status`` mirrors its newest version (or "retired"), so lists filter on
one indexed column; ``published_version`` is the version in force.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from openisms.core.scoping import OrgScopedModel
from openisms.core.softdelete import LiveManager, SoftDeleteModel
from openisms.core.validation import reject_nul


class DocumentKind(models.TextChoices):
    POLICY = "policy", "Policy"
    TOPIC_POLICY = "topic_policy", "Topic-specific policy"
    PROCEDURE = "procedure", "Procedure"
    STANDARD = "standard", "Standard"
    PLAN = "plan", "Plan"
    RECORD = "record", "Record"
    TEMPLATE = "template", "Template"


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    APPROVED = "approved", "Approved"
    PUBLISHED = "published", "Published"
    RETIRED = "retired", "Retired"


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    APPROVED = "approved", "Approved"
    PUBLISHED = "published", "Published"
    SUPERSEDED = "superseded", "Superseded"
    RETIRED = "retired", "Retired"


# Changes to these fields of a version make the person who made them one of its authors.
AUTHORED_FIELDS = {"content", "change_summary", "file", "file_name", "file_sha256"}


def document_upload_to(instance: DocumentVersion, filename: str) -> str:
    # The stored name never comes from the user: only the extension does, after checks.
    return f"documents/{instance.organisation_id}/{instance.document_id}/{instance.pk}.bin"


class Document(SoftDeleteModel):
    ref = models.CharField(max_length=20, editable=False)
    title = models.CharField(max_length=200, validators=[reject_nul])
    kind = models.CharField(max_length=15, choices=DocumentKind.choices)
    status = models.CharField(
        max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT
    )
    owner = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    reviewer = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", help_text="designated approver; empty: any approver",
    )  # fmt: skip
    classification = models.ForeignKey(
        "risk.ClassificationLevel", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    review_months = models.PositiveSmallIntegerField(default=12)
    next_review = models.DateField(null=True, blank=True)
    latest_version = models.ForeignKey(
        "documents.DocumentVersion", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    published_version = models.ForeignKey(
        "documents.DocumentVersion", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    template_key = models.CharField(max_length=50, blank=True)
    # The controls a document supports: ``controls.Control.documents`` (reverse name "controls").
    distribution = models.ManyToManyField(
        "people.Person", blank=True, related_name="distributed_documents"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["ref"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "ref"], name="document_ref"),
        ]
        indexes = [
            models.Index(fields=["organisation", "status", "ref"], name="document_status"),
            models.Index(fields=["organisation", "kind", "ref"], name="document_kind"),
            models.Index(fields=["organisation", "next_review"], name="document_review"),
            models.Index(fields=["organisation", "owner"], name="document_owner"),
        ]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"

    @property
    def review_overdue(self) -> bool:
        return (
            self.status == DocumentStatus.PUBLISHED
            and self.next_review is not None
            and self.next_review < timezone.localdate()
        )


class DocumentVersion(OrgScopedModel):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(
        max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    change_summary = models.CharField(max_length=300, blank=True, validators=[reject_nul])
    content = models.TextField(blank=True, validators=[reject_nul], help_text="Markdown")
    file = models.FileField(upload_to=document_upload_to, blank=True, max_length=300)
    file_name = models.CharField(max_length=200, blank=True)
    file_type = models.CharField(max_length=100, blank=True)
    file_size = models.PositiveIntegerField(null=True, blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    published_at = models.DateTimeField(null=True, blank=True)

    objects = LiveManager()
    soft_delete_parents = ("document",)

    class Meta:
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="document_version_number"),
        ]
        indexes = [
            models.Index(fields=["organisation", "status"], name="docversion_status"),
        ]

    def __str__(self) -> str:
        return f"{self.document.ref} v{self.number}"

    @property
    def label(self) -> str:
        return f"v{self.number}"

    def approval_authors(self) -> set[int]:
        """Who wrote this version, for segregation of duties: its author, whoever the audit trail
        shows creating it or changing its text or file, and whoever renamed the document while
        it was being drafted. Workflow moves (submit, a rejection sending it back) are not
        authorship, so the approver who rejected a draft may still approve the corrected one."""
        from openisms.core.models import AuditEntry

        ids: set[int] = {self.author_id} if self.author_id else set()
        rows = AuditEntry.unscoped.filter(
            organisation_id=self.organisation_id,
            object_type__in=["documents.documentversion", "documents.document"],
            object_id__in=[str(self.pk), str(self.document_id)],
            action__in=["create", "update"],
            actor__isnull=False,
        ).values_list("object_type", "action", "actor_id", "changes", "at")
        for kind, action, actor_id, changes, at in rows:
            if kind == "documents.documentversion":
                if action == "create" or AUTHORED_FIELDS & set(changes or {}):
                    ids.add(actor_id)
            elif "title" in (changes or {}) and at >= self.created_at:
                ids.add(actor_id)
        return ids

    def approval_content(self) -> dict[str, Any]:
        """What an approver signs: the text (or file) of this version, not its workflow state."""
        return {
            "document": str(self.document_id),
            "number": self.number,
            "title": self.document.title,
            "content": self.content,
            "file_sha256": self.file_sha256,
        }
