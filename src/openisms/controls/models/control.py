"""The implementation record of a control in one organisation (clause 6.1.3 d–e).

One row per Annex A control (``requirement`` set, created for every organisation) plus the
organisation's own controls (``requirement`` empty, ``ref``/``title`` their own, ``maps_to`` the
Annex A controls they serve). The risks a control treats are not stored here: they are read live
from the risk register (``risk.Risk.controls``).

A control's documents and requirements are one link each, declared here and reached from the
other side as ``document.controls`` and ``obligation.controls``: the document register, the
requirements register, the control page and the SoA all read and write the same rows.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from openisms.core.softdelete import SoftDeleteModel
from openisms.core.validation import reject_nul


class ImplementationStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    PLANNED = "planned", "Planned"
    PARTIAL = "partial", "Partially implemented"
    IMPLEMENTED = "implemented", "Implemented"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


class Control(SoftDeleteModel):
    requirement = models.ForeignKey(
        "catalogue.Requirement", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", help_text="the Annex A control; empty for the organisation's own",
    )  # fmt: skip
    ref = models.CharField(max_length=30, help_text="A.5.1, or the organisation's own (C-001)")
    title = models.CharField(max_length=300, validators=[reject_nul])
    order = models.PositiveIntegerField(default=0, help_text="catalogue order; own controls last")
    maps_to = models.ManyToManyField(
        "catalogue.Requirement", blank=True, related_name="+",
        help_text="Annex A controls an own control implements",
    )  # fmt: skip
    # None: not decided yet (the validation panel lists it).
    applicable = models.BooleanField(null=True, blank=True)
    exclusion_justification = models.TextField(blank=True, validators=[reject_nul])
    business_need = models.TextField(
        blank=True,
        validators=[reject_nul],
        help_text="inclusion reason beyond risks and laws",
    )
    obligations = models.ManyToManyField(
        "context.Obligation", blank=True, related_name="controls",
        help_text="requirements of the register the control addresses",
    )  # fmt: skip
    status = models.CharField(
        max_length=15, choices=ImplementationStatus.choices,
        default=ImplementationStatus.NOT_STARTED,
    )  # fmt: skip
    owner = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    target_date = models.DateField(null=True, blank=True)
    implementation = models.TextField(
        blank=True, validators=[reject_nul], help_text="how the control is implemented"
    )
    documents = models.ManyToManyField(
        "documents.Document", blank=True, related_name="controls",
        help_text="documents that describe or support the control",
    )  # fmt: skip
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order", "ref"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "ref"], name="control_ref"),
            models.UniqueConstraint(
                fields=["organisation", "requirement"],
                condition=models.Q(requirement__isnull=False),
                name="control_once_per_requirement",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "status"], name="control_status"),
            models.Index(fields=["organisation", "owner"], name="control_owner"),
            models.Index(fields=["organisation", "applicable"], name="control_applicable"),
        ]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"

    @property
    def is_own(self) -> bool:
        return self.requirement_id is None
