"""Frozen versions of the Statement of Applicability.

``rows`` holds the whole SoA as it was when frozen (one dict per control: ref, title, theme,
applicable, justification, status, owner, implementation, risks, requirements, documents,
evidence), so a version never changes when the live records do; ``content_hash`` is what top
management's approval is bound to.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from openisms.core.scoping import OrgScopedModel
from openisms.core.validation import reject_nul


class SoaStatus(models.TextChoices):
    FROZEN = "frozen", "Frozen, awaiting approval"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    SUPERSEDED = "superseded", "Superseded"


class SoaVersion(OrgScopedModel):
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=SoaStatus.choices, default=SoaStatus.FROZEN)
    note = models.CharField(max_length=300, blank=True, validators=[reject_nul])
    rows = models.JSONField(default=list)
    header = models.JSONField(
        default=dict, help_text="organisation, scope statement and version facts at freezing"
    )
    content_hash = models.CharField(max_length=64)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    frozen_at = models.DateTimeField(default=timezone.now)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip

    class Meta:
        verbose_name = "SoA version"
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "number"], name="soa_number"),
        ]

    def __str__(self) -> str:
        return f"SoA v{self.number}"

    def approval_content(self) -> dict[str, Any]:
        return {"number": self.number, "content_hash": self.content_hash}
