"""Threat and vulnerability libraries: a starter set copied into each organisation, extendable."""

from __future__ import annotations

from django.db import models

from openisms.core.scoping import OrgScopedModel
from openisms.core.validation import reject_nul


class LibraryEntry(OrgScopedModel):
    code = models.CharField(max_length=20, validators=[reject_nul])
    name = models.CharField(max_length=120, validators=[reject_nul])
    category = models.CharField(max_length=60, validators=[reject_nul])
    description = models.TextField(blank=True, validators=[reject_nul])
    controls = models.ManyToManyField("catalogue.Requirement", blank=True, related_name="+")
    is_custom = models.BooleanField(default=False, help_text="added by the organisation")

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Threat(LibraryEntry):
    class Meta(LibraryEntry.Meta):
        constraints = [models.UniqueConstraint(fields=["organisation", "code"], name="threat_code")]


class Vulnerability(LibraryEntry):
    class Meta(LibraryEntry.Meta):
        verbose_name_plural = "vulnerabilities"
        constraints = [models.UniqueConstraint(fields=["organisation", "code"], name="vuln_code")]
