"""Read-and-acknowledge: who was asked to read which version, and when they confirmed it.

One row per (version, person): a new published version asks again.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from openisms.core.scoping import OrgScopedModel


class Acknowledgement(OrgScopedModel):
    version = models.ForeignKey(
        "documents.DocumentVersion", on_delete=models.CASCADE, related_name="acknowledgements"
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="acknowledgements"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    due_on = models.DateField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", help_text="the person themself, or a manager recording a paper copy",
    )  # fmt: skip

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(fields=["version", "person"], name="ack_once_per_version"),
        ]
        indexes = [
            models.Index(fields=["organisation", "person", "acknowledged_at"], name="ack_person"),
            models.Index(fields=["organisation", "version", "acknowledged_at"], name="ack_version"),
        ]

    def __str__(self) -> str:
        return f"{self.version} – {self.person}"
