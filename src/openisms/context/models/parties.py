"""Interested parties (4.2) and the requirements register: what each party requires and how the
ISMS addresses it. Legal, regulatory and contractual entries later justify SoA decisions."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from openisms.core.softdelete import SoftDeleteModel
from openisms.core.validation import reject_nul


class PartyKind(models.TextChoices):
    CUSTOMER = "customer", "Customer"
    REGULATOR = "regulator", "Regulator or authority"
    SUPPLIER = "supplier", "Supplier or partner"
    EMPLOYEE = "employee", "Employees"
    OWNER = "owner", "Owners and shareholders"
    MANAGEMENT = "management", "Top management"
    INSURER = "insurer", "Insurer"
    CERTIFICATION = "certification", "Certification body"
    PUBLIC = "public", "Public and community"
    OTHER = "other", "Other"


class InterestedParty(SoftDeleteModel):
    name = models.CharField(max_length=200, validators=[reject_nul])
    kind = models.CharField(max_length=15, choices=PartyKind.choices)
    is_internal = models.BooleanField(default=False)
    description = models.TextField(blank=True, validators=[reject_nul])
    expectations = models.TextField(
        blank=True, validators=[reject_nul], help_text="needs and expectations in brief"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "interested parties"

    def __str__(self) -> str:
        return self.name


class ObligationSource(models.TextChoices):
    LAW = "law", "Law"
    REGULATION = "regulation", "Regulation"
    CONTRACT = "contract", "Contract"
    STANDARD = "standard", "Standard"
    INTERNAL = "internal", "Internal requirement"


class Obligation(SoftDeleteModel):
    """One entry of the requirements register (e.g. "GDPR Art. 32 – security of processing")."""

    ref = models.CharField(max_length=20, editable=False)
    title = models.CharField(max_length=200, validators=[reject_nul])
    source = models.CharField(max_length=12, choices=ObligationSource.choices)
    reference = models.CharField(
        max_length=200, blank=True, validators=[reject_nul], help_text="e.g. GDPR Art. 32"
    )
    description = models.TextField(blank=True, validators=[reject_nul])
    how_addressed = models.TextField(blank=True, validators=[reject_nul])
    parties = models.ManyToManyField(InterestedParty, blank=True, related_name="obligations")
    owner = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    # The controls that address it: ``controls.Control.obligations`` (reverse name "controls").
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["ref"]
        verbose_name = "requirement"
        constraints = [
            models.UniqueConstraint(fields=["organisation", "ref"], name="obligation_ref")
        ]
        indexes = [models.Index(fields=["organisation", "source"], name="obligation_source")]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"
