"""The organisation's risk method, one row per version."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from openisms.core.scoping import OrgScopedModel
from openisms.risk.scoring import Method, parse


class MethodologyStatus(models.TextChoices):
    DRAFT = "draft", "Draft (awaiting approval)"
    CURRENT = "current", "In force"
    SUPERSEDED = "superseded", "Superseded"


class Methodology(OrgScopedModel):
    version = models.PositiveIntegerField()
    status = models.CharField(max_length=12, choices=MethodologyStatus.choices)
    data = models.JSONField(help_text="scales, levels, matrix, acceptance (see risk.scoring)")
    note = models.TextField(blank=True, help_text="what changed and why")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    activated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "risk method"
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "version"], name="method_version"),
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(status="current"),
                name="one_current_method",
            ),
        ]

    def __str__(self) -> str:
        return f"Risk method v{self.version} ({self.get_status_display()})"

    @property
    def method(self) -> Method:
        cached = getattr(self, "_method", None)
        if cached is None:
            cached = self._method = parse(self.data)
        return cached

    def approval_content(self) -> dict:
        return {"version": self.version, "data": self.data}
