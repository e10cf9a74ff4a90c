"""Evidence of top management's commitment (5.1): decisions, resources granted, communications."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone

from openisms.core.softdelete import SoftDeleteModel
from openisms.core.validation import reject_nul


class CommitmentKind(models.TextChoices):
    DECISION = "decision", "Decision"
    RESOURCE = "resource", "Resources granted"
    COMMUNICATION = "communication", "Communication"
    REVIEW = "review", "Review or direction"


class Commitment(SoftDeleteModel):
    date = models.DateField(default=timezone.localdate)
    kind = models.CharField(max_length=15, choices=CommitmentKind.choices)
    title = models.CharField(max_length=200, validators=[reject_nul])
    description = models.TextField(blank=True, validators=[reject_nul])
    decided_by = models.CharField(
        max_length=200, blank=True, validators=[reject_nul], help_text="who in top management"
    )
    amount = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0"))], help_text="budget granted, if any",
    )  # fmt: skip
    effort_days = models.DecimalField(
        max_digits=8, decimal_places=1, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )  # fmt: skip
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-date", "-created_at"]
        indexes = [models.Index(fields=["organisation", "-date"], name="commitment_date")]

    def __str__(self) -> str:
        return self.title
