"""ISMS roles, responsibilities and authorities (5.3) and the RACI matrix over ISMS processes."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from openisms.core.scoping import OrgScopedModel
from openisms.core.softdelete import LiveManager, SoftDeleteModel
from openisms.core.validation import reject_nul


class IsmsRole(SoftDeleteModel):
    name = models.CharField(max_length=200, validators=[reject_nul])
    responsibilities = models.TextField(blank=True, validators=[reject_nul])
    authorities = models.TextField(blank=True, validators=[reject_nul])
    holders = models.ManyToManyField("people.Person", blank=True, related_name="isms_roles")
    required_competences = models.ManyToManyField(
        "people.Competence", blank=True, related_name="required_by"
    )
    order = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "ISMS role"
        ordering = ["order", "name"]
        constraints = [
            # Only live rows: a deleted role never blocks re-creating one of its name.
            models.UniqueConstraint(
                "organisation",
                Lower("name"),
                name="isms_role_name",
                condition=models.Q(deleted_at__isnull=True),
            ),  # fmt: skip
        ]

    def __str__(self) -> str:
        return self.name


class IsmsProcess(SoftDeleteModel):
    """An ISMS process (risk assessment, internal audit, …), a row of the RACI matrix."""

    name = models.CharField(max_length=200, validators=[reject_nul])
    clause = models.CharField(max_length=20, blank=True, help_text="e.g. 6.1.2")
    description = models.TextField(blank=True, validators=[reject_nul])
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "ISMS process"
        ordering = ["order", "name"]
        constraints = [
            # Only live rows: a deleted role never blocks re-creating one of its name.
            models.UniqueConstraint(
                "organisation",
                Lower("name"),
                name="isms_process_name",
                condition=models.Q(deleted_at__isnull=True),
            ),  # fmt: skip
        ]

    def __str__(self) -> str:
        return self.name


class Raci(models.TextChoices):
    RESPONSIBLE = "R", "Responsible"
    ACCOUNTABLE = "A", "Accountable"
    CONSULTED = "C", "Consulted"
    INFORMED = "I", "Informed"


class RaciAssignment(OrgScopedModel):
    process = models.ForeignKey(IsmsProcess, on_delete=models.CASCADE, related_name="raci")
    role = models.ForeignKey(IsmsRole, on_delete=models.CASCADE, related_name="raci")
    letter = models.CharField(max_length=1, choices=Raci.choices)

    objects = LiveManager()
    soft_delete_parents = ("process", "role")

    class Meta:
        verbose_name = "RACI assignment"
        constraints = [
            models.UniqueConstraint(fields=["process", "role"], name="raci_once"),
        ]

    def __str__(self) -> str:
        return f"{self.process} / {self.role}: {self.letter}"
