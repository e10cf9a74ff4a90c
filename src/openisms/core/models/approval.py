"""A generic sign-off record: what was approved, in which version, by whom, when, with what."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from openisms.core.scoping import OrgScopedModel


class Decision(models.TextChoices):
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class Approval(OrgScopedModel):
    subject_type = models.CharField(max_length=100, help_text="app_label.model of the item")
    subject_id = models.CharField(max_length=64)
    subject_repr = models.CharField(max_length=200)
    kind = models.CharField(
        max_length=50, help_text="what is signed off, e.g. policy, soa, risk_acceptance"
    )
    content_hash = models.CharField(max_length=64, help_text="SHA-256 of the approved version")
    version_label = models.CharField(max_length=50, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approver_role = models.CharField(max_length=20)
    decision = models.CharField(max_length=10, choices=Decision.choices)
    comment = models.TextField(blank=True)
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-decided_at"]
        indexes = [
            models.Index(
                fields=["organisation", "subject_type", "subject_id"], name="approval_subj"
            ),
            models.Index(fields=["organisation", "-decided_at"], name="approval_org_at"),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()}: {self.subject_repr} ({self.kind})"
