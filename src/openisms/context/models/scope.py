"""The ISMS scope (4.3) as versions: a draft is edited, top management approves it, the approved
version replaces the previous one (which stays, superseded, for the record)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from openisms.core.scoping import OrgScopedModel
from openisms.core.validation import reject_nul


class ScopeStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    APPROVED = "approved", "Approved"
    SUPERSEDED = "superseded", "Superseded"


BOUNDARY_FIELDS = ("processes", "locations", "units", "technology", "interfaces")


class ScopeVersion(OrgScopedModel):
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=ScopeStatus.choices, default=ScopeStatus.DRAFT)
    statement = models.TextField(validators=[reject_nul])
    # Boundaries: each a list of short strings, one per line in the form.
    processes = models.JSONField(default=list, blank=True)
    locations = models.JSONField(default=list, blank=True)
    units = models.JSONField(default=list, blank=True, help_text="organisational units")
    technology = models.JSONField(default=list, blank=True)
    interfaces = models.JSONField(
        default=list, blank=True, help_text="interfaces and dependencies with what is out of scope"
    )
    # Exclusions: [{"item": "...", "justification": "..."}]
    exclusions = models.JSONField(default=list, blank=True)
    justification = models.TextField(
        blank=True, validators=[reject_nul], help_text="why the scope is drawn where it is"
    )
    change_summary = models.CharField(max_length=300, blank=True, validators=[reject_nul])
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "number"], name="scope_number")
        ]

    def __str__(self) -> str:
        return f"ISMS scope v{self.number}"

    def approval_content(self) -> dict[str, Any]:
        """What top management signs: the text and boundaries, not the workflow fields."""
        return {
            "number": self.number,
            "statement": self.statement,
            **{f: getattr(self, f) for f in BOUNDARY_FIELDS},
            "exclusions": self.exclusions,
            "justification": self.justification,
        }
