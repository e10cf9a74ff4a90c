"""Organisation scoping in one mechanism.

Every organisation-owned model inherits :class:`OrgScopedModel`. Its default manager,
``objects``, only ever returns rows of the current organisation (see ``core.context``) and
refuses to run at all when there is none; cross-organisation access is spelled
``Model.unscoped`` and is meant to be rare (CLI, verification, migrations). A view that forgets
to filter by organisation therefore cannot leak: there is nothing to forget.
"""

from __future__ import annotations

import uuid

from django.db import models

from openisms.core.auditing import AuditedModel, AuditedQuerySet
from openisms.core.context import current_org, require_org


def live_filter(model: type[models.Model], prefix: str = "") -> dict[str, bool]:
    """Lookups keeping only live rows of ``model``: not soft-deleted, nor children of a
    soft-deleted parent (see ``core.softdelete``). Empty for models without soft delete."""
    lookups: dict[str, bool] = {}
    if any(f.name == "deleted_at" for f in model._meta.concrete_fields):
        lookups[f"{prefix}deleted_at__isnull"] = True
    for parent in getattr(model, "soft_delete_parents", ()):
        lookups[f"{prefix}{parent}__deleted_at__isnull"] = True
    return lookups


class OrgScopedQuerySet(AuditedQuerySet):
    def live(self) -> OrgScopedQuerySet:
        """Without soft-deleted rows: for ``unscoped`` querysets (prefetches, exports) that
        skip the default manager."""
        return self.filter(**live_filter(self.model))


class OrgScopedManager(models.Manager.from_queryset(OrgScopedQuerySet)):
    def get_queryset(self) -> OrgScopedQuerySet:
        org = require_org()
        return super().get_queryset().filter(organisation_id=org.pk)


class UnscopedManager(models.Manager.from_queryset(OrgScopedQuerySet)):
    pass


class OrgScopedModel(AuditedModel):
    """Base of every ISMS record: a UUID key (nothing to enumerate) and an owning organisation."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="+", editable=False
    )

    objects = OrgScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        abstract = True
        base_manager_name = "unscoped"

    def save(self, *args, **kwargs) -> None:
        org = current_org()
        if self.organisation_id is None:
            self.organisation = require_org()
        elif org is not None and org.pk != self.organisation_id:
            raise PermissionError("Refusing to write a record of another organisation.")
        super().save(*args, **kwargs)
