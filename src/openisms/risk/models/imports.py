"""Uploaded spreadsheets awaiting a dry run and a confirmed import."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from openisms.core.scoping import OrgScopedModel


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", "Uploaded"
    CHECKED = "checked", "Checked (dry run)"
    IMPORTED = "imported", "Imported"
    FAILED = "failed", "Failed"
    # A dry run whose only problems are headers to map: not a failure, a question.
    NEEDS_MAPPING = "unmapped", "Needs mapping"


class ImportJob(OrgScopedModel):
    kind = models.CharField(max_length=20)  # assets | risks
    file = models.FileField(upload_to="imports/%Y/%m/")
    filename = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    mapping = models.JSONField(default=dict, blank=True)
    report = models.JSONField(default=dict, blank=True)

    # The report is the job's working output (progress, per-row findings), rewritten on every
    # run; the trail keeps the job's status changes, not pages of row errors.
    audit_exclude = ("report",)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} import of {self.filename}"
