"""The communication plan (7.4): what, when, with whom, who, how."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from openisms.core.softdelete import SoftDeleteModel
from openisms.core.validation import reject_nul


class CommunicationItem(SoftDeleteModel):
    topic = models.CharField(max_length=200, validators=[reject_nul], help_text="what")
    audience = models.CharField(max_length=200, validators=[reject_nul], help_text="with whom")
    timing = models.CharField(
        max_length=200, validators=[reject_nul], help_text="when, e.g. quarterly, on change"
    )
    responsible = models.ForeignKey(
        "people.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        help_text="who communicates",
    )  # fmt: skip
    channel = models.CharField(max_length=200, validators=[reject_nul], help_text="how")
    next_due = models.DateField(null=True, blank=True)
    last_done = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True, validators=[reject_nul])
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["next_due", "topic"]

    def __str__(self) -> str:
        return self.topic
