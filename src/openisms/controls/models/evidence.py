"""Evidence that controls work: files, links and notes, with owner and validity; and requests
asking an owner for evidence by a date."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from openisms.core.scoping import OrgScopedModel
from openisms.core.softdelete import SoftDeleteModel
from openisms.core.validation import reject_nul


class EvidenceKind(models.TextChoices):
    FILE = "file", "File"
    LINK = "link", "Link"
    NOTE = "note", "Note"


def evidence_upload_to(instance: Evidence, filename: str) -> str:
    # Never the user's file name: the original is kept in ``file_name`` for display only.
    return f"evidence/{instance.organisation_id}/{instance.pk}.bin"


class Evidence(SoftDeleteModel):
    ref = models.CharField(max_length=20, editable=False)
    title = models.CharField(max_length=200, validators=[reject_nul])
    kind = models.CharField(max_length=5, choices=EvidenceKind.choices)
    description = models.TextField(blank=True, validators=[reject_nul])
    file = models.FileField(upload_to=evidence_upload_to, blank=True, max_length=300)
    file_name = models.CharField(max_length=200, blank=True)
    file_type = models.CharField(max_length=100, blank=True)
    file_size = models.PositiveIntegerField(null=True, blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True)
    url = models.URLField(max_length=1000, blank=True)
    note = models.TextField(blank=True, validators=[reject_nul])
    owner = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    collected_on = models.DateField(default=timezone.localdate)
    valid_until = models.DateField(null=True, blank=True)
    controls = models.ManyToManyField("controls.Control", blank=True, related_name="evidence")
    risks = models.ManyToManyField("risk.Risk", blank=True, related_name="evidence")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-collected_on", "ref"]
        verbose_name_plural = "evidence"
        constraints = [
            models.UniqueConstraint(fields=["organisation", "ref"], name="evidence_ref"),
        ]
        indexes = [
            models.Index(fields=["organisation", "valid_until"], name="evidence_validity"),
            models.Index(fields=["organisation", "owner"], name="evidence_owner"),
        ]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"

    @property
    def is_expired(self) -> bool:
        return self.valid_until is not None and self.valid_until < timezone.localdate()


class RequestStatus(models.TextChoices):
    OPEN = "open", "Open"
    FULFILLED = "fulfilled", "Fulfilled"
    CANCELLED = "cancelled", "Cancelled"


class EvidenceRequest(OrgScopedModel):
    control = models.ForeignKey(
        "controls.Control", on_delete=models.CASCADE, related_name="evidence_requests"
    )
    requested_from = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    description = models.TextField(blank=True, validators=[reject_nul])
    due_on = models.DateField()
    status = models.CharField(
        max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    evidence = models.ForeignKey(
        Evidence, on_delete=models.SET_NULL, null=True, blank=True, related_name="requests"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "created_at"]
        indexes = [
            models.Index(fields=["organisation", "status", "due_on"], name="evreq_due"),
            models.Index(fields=["organisation", "requested_from", "status"], name="evreq_who"),
        ]

    def __str__(self) -> str:
        from openisms.core.dates import human_day

        return f"Evidence for {self.control.ref} by {human_day(self.due_on) or self.due_on}"

    @property
    def is_overdue(self) -> bool:
        return self.status == RequestStatus.OPEN and self.due_on < timezone.localdate()
