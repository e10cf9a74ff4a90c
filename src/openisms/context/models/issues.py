"""Internal and external issues (4.1) that affect what the ISMS can achieve."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from openisms.core.softdelete import SoftDeleteModel
from openisms.core.validation import reject_nul


class IssueKind(models.TextChoices):
    INTERNAL = "internal", "Internal"
    EXTERNAL = "external", "External"


class IssueCategory(models.TextChoices):
    POLITICAL = "political", "Political"
    ECONOMIC = "economic", "Economic"
    SOCIAL = "social", "Social"
    TECHNOLOGICAL = "technological", "Technological"
    LEGAL = "legal", "Legal and regulatory"
    ENVIRONMENTAL = "environmental", "Environmental"
    ORGANISATIONAL = "organisational", "Organisational"
    CULTURAL = "cultural", "Culture"
    RESOURCES = "resources", "Resources and capabilities"
    OTHER = "other", "Other"


class ContextIssue(SoftDeleteModel):
    ref = models.CharField(max_length=20, editable=False)
    title = models.CharField(max_length=200, validators=[reject_nul])
    kind = models.CharField(max_length=10, choices=IssueKind.choices)
    category = models.CharField(max_length=15, choices=IssueCategory.choices)
    description = models.TextField(blank=True, validators=[reject_nul])
    effect = models.TextField(
        blank=True, validators=[reject_nul], help_text="how it affects the ISMS and its outcomes"
    )
    risks = models.ManyToManyField("risk.Risk", blank=True, related_name="context_issues")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["ref"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "ref"], name="context_issue_ref")
        ]
        indexes = [models.Index(fields=["organisation", "kind", "category"], name="issue_kind")]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"
