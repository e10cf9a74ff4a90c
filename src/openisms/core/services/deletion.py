"""Safe deletion: what a delete takes with it, the recently deleted list, restore and purge.

See :mod:`openisms.core.softdelete` for the model side. Views, API routes and the purge task
all come through here, so the three steps (delete, restore, purge) behave the same for every
record type.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

from django.contrib.admin.utils import NestedObjects
from django.core.exceptions import ValidationError
from django.db import models, router, transaction
from django.db.models.deletion import ProtectedError, RestrictedError
from django.utils import timezone

from openisms.core.auditing import record, snapshot
from openisms.core.context import Actor, acting_as
from openisms.core.softdelete import RETENTION_DAYS, SoftDeleteModel, soft_delete_models

logger = logging.getLogger(__name__)

# Examples named per kind of dependent row on the confirmation page.
EXAMPLES = 5


@dataclass
class Consequence:
    """One line of "what goes with it": a kind of dependent row or link, how many, examples."""

    label: str
    count: int
    examples: list[str] = field(default_factory=list)


@dataclass
class Impact:
    hidden: list[Consequence]  # rows that disappear with the record (and come back with it)
    links: list[Consequence]  # links to other records that stay, hidden while it is deleted


def type_label(model: type[models.Model]) -> str:
    return str(model._meta.verbose_name)


def impact(obj: models.Model) -> Impact:
    """What deleting ``obj`` takes with it: dependent rows (as a purge would remove them) and
    links to other records (kept, and shown again after a restore)."""
    collector = NestedObjects(using=router.db_for_write(type(obj)))
    collector.collect([obj])
    groups: dict[type, list[Any]] = {}
    for model, instances in collector.data.items():
        for instance in instances:
            if instance is obj or (model is type(obj) and instance.pk == obj.pk):
                continue
            # Through rows of a many-to-many are links, listed below with their other end.
            if model._meta.auto_created:
                continue
            groups.setdefault(model, []).append(instance)
    hidden = [
        Consequence(
            str(model._meta.verbose_name_plural if len(rows) != 1 else model._meta.verbose_name),
            len(rows),
            [str(r) for r in rows[:EXAMPLES]],
        )
        for model, rows in groups.items()
    ]
    links: list[Consequence] = []
    for name, manager in _m2m_managers(obj):
        rows = list(manager.all()[: EXAMPLES + 1])
        if rows:
            count = len(rows) if len(rows) <= EXAMPLES else manager.count()
            links.append(Consequence(name, count, [str(r) for r in rows[:EXAMPLES]]))
    return Impact(hidden=hidden, links=links)


def _m2m_managers(obj: models.Model) -> list[tuple[str, Any]]:
    managers = [(str(f.verbose_name), getattr(obj, f.name)) for f in obj._meta.many_to_many]
    for rel in obj._meta.related_objects:
        if rel.many_to_many and not rel.hidden:
            label = str(rel.related_model._meta.verbose_name_plural)
            managers.append((label, getattr(obj, rel.get_accessor_name())))
    return managers


def soft_delete(obj: SoftDeleteModel) -> None:
    """Delete ``obj`` the safe way (restorable for ``RETENTION_DAYS`` days)."""
    obj.delete()


@dataclass
class Deleted:
    kind: str  # "app_label.model_name", the key of restore URLs and API paths
    type_label: str
    obj: SoftDeleteModel

    @property
    def purge_on(self) -> dt.datetime:
        return self.obj.deleted_at + dt.timedelta(days=RETENTION_DAYS)


def model_for(kind: str) -> type[SoftDeleteModel] | None:
    return next((m for m in soft_delete_models() if m._meta.label_lower == kind), None)


def recently_deleted(limit_per_type: int = 500) -> list[Deleted]:
    """The current organisation's deleted records, newest first: one query per record type."""
    found: list[Deleted] = []
    for model in soft_delete_models():
        rows = (
            model.with_deleted.filter(deleted_at__isnull=False)
            .select_related("deleted_by")
            .order_by("-deleted_at")[:limit_per_type]
        )
        found += [Deleted(model._meta.label_lower, type_label(model), row) for row in rows]
    found.sort(key=lambda d: d.obj.deleted_at, reverse=True)
    return found


def deleted_record(kind: str, pk: Any) -> SoftDeleteModel | None:
    """A deleted record of the current organisation, or None."""
    model = model_for(kind)
    if model is None:
        return None
    try:
        return model.with_deleted.filter(deleted_at__isnull=False, pk=pk).first()
    except ValidationError:  # not a UUID
        return None


@transaction.atomic
def restore(obj: SoftDeleteModel) -> SoftDeleteModel:
    """Bring ``obj`` back with its links; refused while a parent is deleted or its name is
    taken again by a live record."""
    for parent_name in type(obj).soft_delete_parents:
        parent = getattr(obj, parent_name, None)
        if parent is not None and getattr(parent, "deleted_at", None) is not None:
            raise ValidationError(
                f"Restore {type_label(type(parent))} “{parent}” first: "
                f"this {type_label(type(obj))} belongs to it."
            )
    deleted_at = obj.deleted_at
    obj.deleted_at = None
    try:
        obj.validate_constraints()
    except ValidationError as exc:
        obj.deleted_at = deleted_at
        raise ValidationError(
            f"Cannot restore “{obj}”: a record of the same name exists now. Rename or delete "
            "that one first."
        ) from exc
    obj.deleted_at = deleted_at
    obj.restore()
    return obj


@dataclass
class PurgeReport:
    purged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # still referenced by records that protect them


def purge_expired(now: dt.datetime | None = None, *, dry_run: bool = False) -> PurgeReport:
    """Remove for good every record deleted more than ``RETENTION_DAYS`` ago, in every
    organisation; each purge is audited in its organisation's trail."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=RETENTION_DAYS)
    report = PurgeReport()
    with acting_as(Actor(user_id=None, label="task:purge-deleted")):
        for model in soft_delete_models():
            for obj in model.unscoped.filter(deleted_at__lt=cutoff).select_related("organisation"):
                label = f"{obj.organisation.slug}: {type_label(model)} “{obj}”"
                if dry_run:
                    report.purged.append(label)
                    continue
                try:
                    with transaction.atomic():
                        record("purge", obj, {"deleted_at": str(obj.deleted_at), **_brief(obj)})
                        obj._audit_action = "purge"
                        files = _stored_files(obj)
                        obj.hard_delete()
                        for storage, name in files:
                            transaction.on_commit(lambda s=storage, n=name: s.delete(n))
                except (ProtectedError, RestrictedError):
                    # Another live record still depends on it (e.g. a course with training
                    # records); it stays deleted and is tried again on the next run.
                    report.kept.append(label)
                    logger.warning("Not purged (still referenced): %s", label)
                else:
                    report.purged.append(label)
    return report


def _stored_files(obj: models.Model) -> list[tuple[Any, str]]:
    """The files a purged record leaves in storage (evidence uploads), removed after commit."""
    found = []
    for f in obj._meta.concrete_fields:
        if isinstance(f, models.FileField):
            value = getattr(obj, f.attname)
            if value:
                found.append((value.storage, value.name))
    return found


def _brief(obj: models.Model) -> dict[str, Any]:
    state = snapshot(obj)
    return {k: state[k] for k in ("ref", "title", "name", "full_name") if k in state}
