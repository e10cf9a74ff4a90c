"""Safe deletion in one mechanism: primary records are soft-deleted, restorable, then purged.

A primary record type inherits :class:`SoftDeleteModel` instead of ``OrgScopedModel``:

- ``objects`` (the default manager, org-scoped) hides deleted rows, and the rows of declared
  parents that are deleted (``soft_delete_parents``: a treatment action disappears with its
  risk). Related managers and prefetches use it too, so a deleted risk vanishes from every
  control page, list, export and API answer without any view remembering to filter.
- ``with_deleted`` is the same organisation-scoped manager showing deleted rows as well (the
  "Recently deleted" page, restore); ``unscoped`` keeps its meaning: every row of every
  organisation, deleted or not.
- ``obj.delete()`` marks the row (``deleted_at``, ``deleted_by``) and records a "delete" entry;
  nothing else changes: many-to-many links and children stay, so a restore brings the record
  back with its links. ``obj.hard_delete()`` is the real delete, used only by the purge.

A child table that is not itself a primary record but must disappear with its parent declares
``objects = LiveManager()`` and ``soft_delete_parents``.

References (``R-0042``) stay unique across deleted rows: they come from a per-organisation
counter and are never reused, so a restored record keeps its reference. Name constraints
(ISMS role names, one person per login) only apply to live rows (conditional constraints), so
a deleted record never blocks re-creating one of the same name; restoring it then is refused
while the name is taken.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from openisms.core.context import current_actor
from openisms.core.scoping import OrgScopedManager, OrgScopedModel, OrgScopedQuerySet, live_filter

# How long a deleted record can be restored before the purge removes it for good.
RETENTION_DAYS = 30


class LiveQuerySet(OrgScopedQuerySet):
    def delete(self) -> tuple[int, dict[str, int]]:
        """Bulk deletes soft-delete row by row too (each one audited)."""
        if not hasattr(self.model, "hard_delete"):
            return super().delete()
        count = 0
        with transaction.atomic(using=self.db):
            for obj in self:
                obj.delete()
                count += 1
        return count, {self.model._meta.label: count}


class LiveManager(OrgScopedManager.from_queryset(LiveQuerySet)):
    """The organisation's rows that are neither deleted nor children of a deleted record."""

    def get_queryset(self) -> LiveQuerySet:
        return super().get_queryset().filter(**live_filter(self.model))


class WithDeletedManager(OrgScopedManager):
    """The organisation's rows, deleted ones included."""


class SoftDeleteModel(OrgScopedModel):
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False, db_index=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        editable=False, related_name="+",
    )  # fmt: skip

    objects = LiveManager()
    with_deleted = WithDeletedManager()

    # Parent foreign keys whose deletion hides this row too.
    soft_delete_parents: tuple[str, ...] = ()

    class Meta:
        abstract = True
        base_manager_name = "unscoped"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        """Soft delete: mark, audit, keep links and children (see the module docstring)."""
        if self.deleted_at is not None:
            return 0, {}
        actor = current_actor()
        self.deleted_at = timezone.now()
        self.deleted_by_id = actor.user_id if actor else None
        self._audit_action = "delete"
        self.save(update_fields=["deleted_at", "deleted_by"])
        return 1, {self._meta.label: 1}

    def restore(self) -> None:
        self.deleted_at = None
        self.deleted_by_id = None
        self._audit_action = "restore"
        self.save(update_fields=["deleted_at", "deleted_by"])

    def hard_delete(self) -> tuple[int, dict[str, int]]:
        return super().delete()


def soft_delete_models() -> list[type[SoftDeleteModel]]:
    from django.apps import apps

    return [m for m in apps.get_models() if issubclass(m, SoftDeleteModel) and not m._meta.abstract]
