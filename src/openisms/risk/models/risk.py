"""The risk register: risks (and opportunities, 6.1.1) with inherent and residual scores."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from openisms.core.scoping import OrgScopedModel
from openisms.core.softdelete import SoftDeleteModel
from openisms.core.validation import reject_nul


class RiskKind(models.TextChoices):
    RISK = "risk", "Risk"
    OPPORTUNITY = "opportunity", "Opportunity"


class Treatment(models.TextChoices):
    MITIGATE = "mitigate", "Mitigate (modify)"
    ACCEPT = "accept", "Accept (retain)"
    TRANSFER = "transfer", "Transfer (share)"
    AVOID = "avoid", "Avoid"


class RiskStatus(models.TextChoices):
    IDENTIFIED = "identified", "Identified"
    ASSESSED = "assessed", "Assessed"
    TREATMENT_PLANNED = "treatment_planned", "Treatment planned"
    TREATING = "treating", "Being treated"
    ACCEPTED = "accepted", "Residual risk accepted"
    CLOSED = "closed", "Closed"


class Risk(SoftDeleteModel):
    ref = models.CharField(max_length=20, editable=False)
    kind = models.CharField(max_length=12, choices=RiskKind.choices, default=RiskKind.RISK)
    title = models.CharField(max_length=200, validators=[reject_nul])
    description = models.TextField(blank=True, validators=[reject_nul])
    assets = models.ManyToManyField("risk.Asset", blank=True, related_name="risks")
    threat = models.ForeignKey(
        "risk.Threat", on_delete=models.PROTECT, null=True, blank=True, related_name="risks"
    )
    vulnerability = models.ForeignKey(
        "risk.Vulnerability", on_delete=models.PROTECT, null=True, blank=True, related_name="risks"
    )
    owner = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    existing_controls = models.TextField(blank=True, validators=[reject_nul])
    methodology = models.ForeignKey(
        "risk.Methodology", on_delete=models.PROTECT, null=True, related_name="+"
    )
    inherent_likelihood = models.PositiveSmallIntegerField(null=True, blank=True)
    inherent_impact = models.PositiveSmallIntegerField(null=True, blank=True)
    inherent_level = models.CharField(max_length=30, blank=True)
    inherent_order = models.PositiveSmallIntegerField(default=0)
    treatment = models.CharField(max_length=10, choices=Treatment.choices, blank=True)
    treatment_rationale = models.TextField(blank=True, validators=[reject_nul])
    controls = models.ManyToManyField("catalogue.Requirement", blank=True, related_name="+")
    other_controls = models.TextField(
        blank=True, validators=[reject_nul], help_text="organisation controls beyond Annex A"
    )
    residual_likelihood = models.PositiveSmallIntegerField(null=True, blank=True)
    residual_impact = models.PositiveSmallIntegerField(null=True, blank=True)
    residual_level = models.CharField(max_length=30, blank=True)
    residual_order = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(
        max_length=20, choices=RiskStatus.choices, default=RiskStatus.IDENTIFIED
    )
    next_review = models.DateField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    # An acceptance brought in by an import: who gave it is text from the file, not a sign-off
    # in this install, so it stays flagged until someone authorised accepts the risk here.
    acceptance_imported = models.BooleanField(
        default=False, help_text="accepted in an imported file; awaiting re-confirmation"
    )
    imported_accepted_by = models.CharField(max_length=200, blank=True, validators=[reject_nul])
    imported_accepted_role = models.CharField(max_length=100, blank=True, validators=[reject_nul])
    imported_acceptance_comment = models.TextField(blank=True, validators=[reject_nul])
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    audit_exclude = ("updated_at",)

    class Meta:
        ordering = ["ref"]
        constraints = [models.UniqueConstraint(fields=["organisation", "ref"], name="risk_ref")]
        indexes = [
            models.Index(fields=["organisation", "owner"], name="risk_owner"),
            models.Index(fields=["organisation", "status"], name="risk_status"),
            models.Index(fields=["organisation", "treatment"], name="risk_treatment"),
            models.Index(
                fields=["organisation", "inherent_likelihood", "inherent_impact"], name="risk_inh"
            ),
            models.Index(
                fields=["organisation", "residual_likelihood", "residual_impact"], name="risk_res"
            ),
            models.Index(fields=["organisation", "inherent_level"], name="risk_inh_level"),
            models.Index(fields=["organisation", "residual_level"], name="risk_res_level"),
            models.Index(fields=["organisation", "next_review"], name="risk_review"),
        ]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"

    def approval_content(self) -> dict:
        """What a risk acceptance covers: the residual position and how it was reached."""
        return {
            "ref": self.ref,
            "title": self.title,
            "treatment": self.treatment,
            "residual": [self.residual_likelihood, self.residual_impact, self.residual_level],
            "methodology": str(self.methodology_id),
        }


class RiskScoreHistory(OrgScopedModel):
    """Every score a risk ever had, with the method version that produced it."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="score_history")
    methodology_version = models.PositiveIntegerField()
    reason = models.CharField(max_length=200)
    at = models.DateTimeField(default=timezone.now)
    inherent_likelihood = models.PositiveSmallIntegerField(null=True)
    inherent_impact = models.PositiveSmallIntegerField(null=True)
    inherent_level = models.CharField(max_length=30, blank=True)
    residual_likelihood = models.PositiveSmallIntegerField(null=True)
    residual_impact = models.PositiveSmallIntegerField(null=True)
    residual_level = models.CharField(max_length=30, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name_plural = "risk score history"

    def __str__(self) -> str:
        return f"{self.risk_id} v{self.methodology_version} {self.reason}"
