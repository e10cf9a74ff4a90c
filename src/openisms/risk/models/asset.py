"""The asset inventory (A.5.9 inventory, A.5.10 acceptable use, A.5.12 classification)."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from openisms.core.scoping import OrgScopedModel
from openisms.core.softdelete import SoftDeleteModel
from openisms.core.validation import reject_nul

CIA = [MinValueValidator(1), MaxValueValidator(5)]


class AssetType(models.TextChoices):
    INFORMATION = "information", "Information"
    SOFTWARE = "software", "Software"
    HARDWARE = "hardware", "Hardware"
    SERVICE = "service", "Service"
    PEOPLE = "people", "People"
    SITE = "site", "Site"
    PROCESS = "process", "Process"


class Lifecycle(models.TextChoices):
    PLANNED = "planned", "Planned"
    IN_USE = "in_use", "In use"
    RETIRING = "retiring", "Retiring"
    RETURNED = "returned", "Returned (A.5.11)"
    DISPOSED = "disposed", "Disposed"


class ClassificationLevel(OrgScopedModel):
    name = models.CharField(max_length=60, validators=[reject_nul])
    order = models.PositiveSmallIntegerField()
    description = models.TextField(blank=True, validators=[reject_nul])

    class Meta:
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="classification_name")
        ]

    def __str__(self) -> str:
        return self.name


class Asset(SoftDeleteModel):
    ref = models.CharField(max_length=20, editable=False)
    name = models.CharField(max_length=200, validators=[reject_nul])
    type = models.CharField(max_length=12, choices=AssetType.choices)
    description = models.TextField(blank=True, validators=[reject_nul])
    # A person of the register, or an ISMS role standing as owner (A.5.9 allows a role): at
    # most one of the two.
    owner = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    owner_role = models.ForeignKey(
        "leadership.IsmsRole", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    custodian = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    location = models.CharField(max_length=200, blank=True, validators=[reject_nul])
    classification = models.ForeignKey(
        ClassificationLevel, on_delete=models.PROTECT, null=True, blank=True, related_name="assets"
    )
    confidentiality = models.PositiveSmallIntegerField(default=3, validators=CIA)
    integrity = models.PositiveSmallIntegerField(default=3, validators=CIA)
    availability = models.PositiveSmallIntegerField(default=3, validators=CIA)
    depends_on = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="dependants"
    )
    lifecycle = models.CharField(max_length=10, choices=Lifecycle.choices, default=Lifecycle.IN_USE)
    tags = models.JSONField(default=list, blank=True)
    tag_text = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    audit_exclude = ("updated_at", "tag_text")

    class Meta:
        ordering = ["ref"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "ref"], name="asset_ref"),
            models.CheckConstraint(
                condition=models.Q(owner__isnull=True) | models.Q(owner_role__isnull=True),
                name="asset_one_owner",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "type"], name="asset_type"),
            models.Index(fields=["organisation", "owner"], name="asset_owner"),
            models.Index(fields=["organisation", "name"], name="asset_name"),
        ]

    def __str__(self) -> str:
        return f"{self.ref} {self.name}"

    @property
    def owned_by(self) -> object | None:
        """The owner as shown: the person, else the ISMS role standing as owner."""
        return self.owner or self.owner_role

    def save(self, *args, **kwargs) -> None:
        self.tags = sorted({str(t).strip()[:40] for t in (self.tags or []) if str(t).strip()})
        self.tag_text = "|" + "|".join(t.lower() for t in self.tags) + "|" if self.tags else ""
        super().save(*args, **kwargs)
