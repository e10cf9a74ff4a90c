"""The people register (7.2): staff, with or without a login, and the competences they hold."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from openisms.core.scoping import OrgScopedModel
from openisms.core.softdelete import LiveManager, SoftDeleteModel
from openisms.core.validation import reject_nul


class Person(SoftDeleteModel):
    """A member of staff. ``user`` links the person to a login so they can acknowledge
    policies and see their own training; many staff never log in."""

    full_name = models.CharField(max_length=200, validators=[reject_nul])
    email = models.EmailField(blank=True)
    job_title = models.CharField(max_length=200, blank=True, validators=[reject_nul])
    department = models.CharField(max_length=100, blank=True, validators=[reject_nul])
    manager = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="reports"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    start_date = models.DateField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["full_name"]
        indexes = [
            models.Index(fields=["organisation", "is_active", "full_name"], name="person_name"),
            models.Index(fields=["organisation", "department"], name="person_dept"),
            models.Index(fields=["organisation", "user"], name="person_user"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"],
                condition=models.Q(user__isnull=False, deleted_at__isnull=True),
                name="person_one_per_user",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name


class Competence(OrgScopedModel):
    """A named skill or qualification an ISMS role may require (e.g. "ISO 27001 Lead Auditor")."""

    name = models.CharField(max_length=200, validators=[reject_nul])
    description = models.TextField(blank=True, validators=[reject_nul])

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint("organisation", Lower("name"), name="competence_name"),
        ]

    def __str__(self) -> str:
        return self.name


class PersonCompetence(OrgScopedModel):
    """Evidence that a person holds a competence (certificate, degree, experience).

    Passing a course that grants the competence counts too; that is derived, not stored here.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="competences")
    competence = models.ForeignKey(Competence, on_delete=models.PROTECT, related_name="holders")
    acquired_on = models.DateField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    evidence = models.TextField(blank=True, validators=[reject_nul])
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = LiveManager()
    soft_delete_parents = ("person",)

    class Meta:
        ordering = ["competence__name"]
        constraints = [
            models.UniqueConstraint(fields=["person", "competence"], name="person_competence_once"),
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.competence}"
