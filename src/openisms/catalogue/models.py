"""Any framework as a tree of requirements, and mappings between requirements of two frameworks.

The catalogue is reference data shared by every organisation of the install (it holds nothing of
theirs), so it is not organisation-scoped; it changes only through the versioned loader.
"""

from __future__ import annotations

from django.db import models


class Framework(models.Model):
    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    edition = models.CharField(max_length=20, blank=True)
    publisher = models.CharField(max_length=100, blank=True)
    description = models.TextField(blank=True)
    themes = models.JSONField(default=list, help_text="ordered theme names of its controls")
    data_version = models.PositiveIntegerField(default=0)
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name


class Kind(models.TextChoices):
    CLAUSE = "clause", "Clause"
    CONTROL = "control", "Control"


class Requirement(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="requirements")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    ref = models.CharField(max_length=30)
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    level = models.PositiveSmallIntegerField(default=0)
    theme = models.CharField(max_length=100, blank=True)
    attributes = models.JSONField(default=dict, blank=True)
    # "|name=value|" tokens: attribute filters as a LIKE that works on SQLite and PostgreSQL.
    attribute_tags = models.TextField(blank=True, editable=False)
    guidance = models.JSONField(default=dict, blank=True)
    search_text = models.TextField(blank=True, editable=False)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["framework", "order"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "ref"], name="requirement_ref_unique")
        ]
        indexes = [models.Index(fields=["framework", "kind", "theme"], name="req_kind_theme")]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"


class Mapping(models.Model):
    class Relationship(models.TextChoices):
        EQUIVALENT = "equivalent", "Equivalent"
        SUBSET = "subset", "Subset of the target"
        SUPERSET = "superset", "Superset of the target"
        INTERSECTS = "intersects", "Intersects"
        RELATED = "related", "Related"

    source = models.ForeignKey(Requirement, on_delete=models.CASCADE, related_name="mappings_out")
    target = models.ForeignKey(Requirement, on_delete=models.CASCADE, related_name="mappings_in")
    relationship = models.CharField(max_length=12, choices=Relationship.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "target"], name="mapping_unique")]

    def __str__(self) -> str:
        return f"{self.source.ref} → {self.target.ref} ({self.relationship})"
