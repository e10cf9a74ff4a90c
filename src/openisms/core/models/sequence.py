"""Human-readable references (R-0042) per organisation, allocated safely under concurrency."""

from __future__ import annotations

from django.db import models, transaction


class Sequence(models.Model):
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(max_length=20)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "key"], name="sequence_key")]

    def __str__(self) -> str:
        return f"{self.key}: {self.last}"


def next_number(organisation, key: str) -> int:
    """The next number of ``key`` in ``organisation``; the counter row is locked until commit."""
    with transaction.atomic():
        row, _ = Sequence.objects.select_for_update().get_or_create(
            organisation=organisation, key=key
        )
        row.last += 1
        row.save(update_fields=["last"])
        return row.last


def next_ref(organisation, prefix: str, width: int = 4) -> str:
    return f"{prefix}-{next_number(organisation, prefix):0{width}d}"


def reserve_at_least(organisation, prefix: str, number: int) -> None:
    """Make sure later refs of ``prefix`` come after ``number`` (imports that keep their refs)."""
    with transaction.atomic():
        row, _ = Sequence.objects.select_for_update().get_or_create(
            organisation=organisation, key=prefix
        )
        if row.last < number:
            row.last = number
            row.save(update_fields=["last"])
