"""The risk treatment plan: actions per risk, and the plan as an approvable whole."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from openisms.core.scoping import OrgScopedModel
from openisms.core.softdelete import SoftDeleteModel
from openisms.core.validation import reject_nul


class ActionStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


OPEN_ACTION_STATUSES = (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)


class TreatmentAction(SoftDeleteModel):
    risk = models.ForeignKey("risk.Risk", on_delete=models.CASCADE, related_name="actions")
    soft_delete_parents = ("risk",)
    title = models.CharField(max_length=200, validators=[reject_nul])
    description = models.TextField(blank=True, validators=[reject_nul])
    owner = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=12, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    control = models.ForeignKey(
        "catalogue.Requirement", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["due_date", "created_at"]
        indexes = [
            models.Index(fields=["organisation", "status", "due_date"], name="action_due"),
            models.Index(fields=["organisation", "owner"], name="action_owner"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        return (
            self.due_date is not None
            and self.status in OPEN_ACTION_STATUSES
            and self.due_date < timezone.localdate()
        )


class TreatmentPlan(OrgScopedModel):
    """One per organisation: the subject that risk owners and top management sign off."""

    title = models.CharField(max_length=200, default="Risk treatment plan")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation"], name="one_plan")]

    def __str__(self) -> str:
        return self.title


class ImportMapping(OrgScopedModel):
    """A remembered column mapping for an organisation's own spreadsheets."""

    kind = models.CharField(max_length=20)  # assets | risks
    mapping = models.JSONField(default=dict)  # their header (lower-case) -> our field
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "kind"], name="one_mapping")]

    def __str__(self) -> str:
        return f"{self.kind} mapping"
