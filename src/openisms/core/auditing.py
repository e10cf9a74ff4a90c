"""The audit trail's write side: field-level change capture for every audited model.

Writes are captured where they happen, not by remembering to call a logger:
- ``AuditedModel.save()`` records create/update with the field-level before/after;
- a ``post_delete`` receiver records deletes (model, queryset and cascade deletes alike);
- ``AuditedQuerySet`` records ``update()``, ``bulk_create()`` and ``bulk_update()``, which
  bypass ``save()`` and signals;
- an ``m2m_changed`` receiver records link changes.
Raw SQL is the one way around it, and the code base does not write ISMS records with raw SQL.
"""

from __future__ import annotations

import contextvars
import copy
import datetime as dt
import decimal
import uuid
from collections.abc import Iterable
from typing import Any

from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete

from openisms.core.context import Actor, acting_as, current_actor, current_org

# Never copied into the trail: secrets stay out of a log that auditors read.
REDACTED_FIELDS = {"password", "token_hash", "secret"}


def to_jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat() if value.tzinfo else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    return str(value)


def snapshot(obj: models.Model) -> dict[str, Any]:
    """The audited state of ``obj``: every concrete, non-deferred field as JSON values."""
    deferred = obj.get_deferred_fields()
    state: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.attname in deferred:
            continue
        name = field.name if not field.is_relation else field.attname
        value = getattr(obj, field.attname)
        state[name] = "[redacted]" if field.name in REDACTED_FIELDS else to_jsonable(value)
    return state


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    keys = list(dict.fromkeys([*before, *after]))
    return {
        key: [before.get(key), after.get(key)] for key in keys if before.get(key) != after.get(key)
    }


def object_type(obj_or_model: Any) -> str:
    return obj_or_model._meta.label_lower


def record(
    action: str,
    obj: models.Model | None = None,
    changes: dict[str, Any] | None = None,
    *,
    organisation: Any = ...,
    object_type_label: str | None = None,
    object_id: str | None = None,
    object_repr: str | None = None,
) -> Any:
    """Append one entry to the trail of the object's organisation (or the install's trail)."""
    from openisms.core.models.audit import AuditEntry

    if organisation is ...:
        # Not given: the object's organisation, else the one being worked in; None (given
        # explicitly) means the install's own chain.
        organisation = audit_organisation(obj) if obj is not None else None
        if organisation is None:
            organisation = current_org()
    actor = current_actor()
    return AuditEntry.append(
        organisation=organisation,
        actor=actor,
        action=action,
        object_type=object_type_label or (object_type(obj) if obj is not None else ""),
        object_id=object_id if object_id is not None else (str(obj.pk) if obj else ""),
        object_repr=(object_repr if object_repr is not None else str(obj) if obj else "")[:200],
        changes=changes or {},
    )


def audit_organisation(obj: models.Model) -> Any:
    """The organisation whose trail records changes to ``obj``."""
    getter = getattr(obj, "audit_organisation", None)
    if callable(getter):
        return getter()
    org_id = getattr(obj, "organisation_id", None)
    if org_id is None:
        return None
    from openisms.core.models import Organisation

    cached = getattr(obj, "_state", None)
    if cached is not None and "organisation" in cached.fields_cache:
        return cached.fields_cache["organisation"]
    # Almost every write happens inside its own organisation's context: no query needed.
    current = current_org()
    if current is not None and current.pk == org_id:
        return current
    return Organisation.objects.get(pk=org_id)


def _state(obj: models.Model) -> dict[str, Any]:
    state_of = getattr(obj, "_audit_state", None)
    return state_of() if callable(state_of) else snapshot(obj)


_IN_BULK_UPDATE: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "audit_in_bulk_update", default=False
)


class AuditedQuerySet(models.QuerySet):
    """Bulk writes that bypass ``save()`` are recorded row by row."""

    def update(self, **kwargs: Any) -> int:
        if _IN_BULK_UPDATE.get():
            # Django's bulk_update runs one update() per batch; bulk_update records the rows.
            return super().update(**kwargs)
        with transaction.atomic(using=self.db):
            before = {obj.pk: (obj, _state(obj)) for obj in self._chain()}
            count = super().update(**kwargs)
            manager = self.model._base_manager.using(self.db)
            for obj in manager.filter(pk__in=list(before)):
                changes = diff(before[obj.pk][1], _state(obj))
                if changes:
                    record("update", obj, changes)
            return count

    def bulk_create(
        self,
        objs: Iterable[models.Model],
        *args: Any,
        audit_summary: str | None = None,
        **kwargs: Any,
    ) -> list:
        """Create rows; each gets its own trail entry, or one ``audit_summary`` entry for all
        (seeding reference data, where a line per row would only bury the real changes)."""
        with transaction.atomic(using=self.db):
            created = super().bulk_create(objs, *args, **kwargs)
            if audit_summary is not None and created:
                record(
                    "create",
                    created[0],
                    {"count": len(created), "ids": [str(o.pk) for o in created]},
                    object_id="bulk",
                    object_repr=audit_summary,
                )
            for obj in created:
                state = _state(obj)
                if audit_summary is None:
                    record("create", obj, diff({}, state))
                obj._audit_before = state
            return created

    def bulk_update(self, objs: Iterable[models.Model], fields: Any, *args: Any, **kw: Any) -> int:
        objs = list(objs)
        with transaction.atomic(using=self.db):
            manager = self.model._base_manager.using(self.db)
            before = {o.pk: _state(o) for o in manager.filter(pk__in=[o.pk for o in objs])}
            token = _IN_BULK_UPDATE.set(True)
            try:
                count = super().bulk_update(objs, fields, *args, **kw)
            finally:
                _IN_BULK_UPDATE.reset(token)
            for obj in objs:
                after = _state(obj)
                changes = diff({k: before.get(obj.pk, {}).get(k) for k in after}, after)
                if changes:
                    record("update", obj, changes)
                obj._audit_before = after
            return count


class AuditedModel(models.Model):
    """Mixin: every create, update and delete lands in the audit trail, in the same transaction."""

    audit_exclude: tuple[str, ...] = ()

    objects = AuditedQuerySet.as_manager()

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db: str, field_names: Any, values: Any) -> AuditedModel:
        instance = super().from_db(db, field_names, values)
        # Keep the loaded values and build the trail's "before" only when a write needs it:
        # converting every field of every row read (lists, exports) to JSON costs more than
        # the query. Mutable values are copied so in-place edits still show as changes.
        instance._audit_raw = (
            field_names,
            [copy.deepcopy(v) if isinstance(v, dict | list) else v for v in values],
        )
        return instance

    def audit_before(self) -> dict[str, Any]:
        """The audited state as last loaded from or written to the database."""
        if "_audit_before" not in self.__dict__:
            raw = self.__dict__.pop("_audit_raw", None)
            self._audit_before = self._state_of(dict(zip(*raw, strict=True))) if raw else {}
        return self._audit_before

    def _state_of(self, values: dict[str, Any]) -> dict[str, Any]:
        state: dict[str, Any] = {}
        for field in self._meta.concrete_fields:
            if field.attname not in values:
                continue
            name = field.attname if field.is_relation else field.name
            if name in self.audit_exclude:
                continue
            value = values[field.attname]
            state[name] = "[redacted]" if field.name in REDACTED_FIELDS else to_jsonable(value)
        return state

    def _audit_state(self) -> dict[str, Any]:
        deferred = self.get_deferred_fields()
        return self._state_of(
            {
                f.attname: getattr(self, f.attname)
                for f in self._meta.concrete_fields
                if f.attname not in deferred
            }
        )

    def save(self, *args: Any, **kwargs: Any) -> None:
        creating = self._state.adding
        using = kwargs.get("using") or "default"
        with transaction.atomic(using=using):
            super().save(*args, **kwargs)
            after = self._audit_state()
            before = {} if creating else self.audit_before()
            update_fields = kwargs.get("update_fields")
            if update_fields is not None and not creating:
                # Only the listed fields reached the database; the rest of the trail's view
                # of the row stays what it was.
                names = set()
                for name in update_fields:
                    field = self._meta.get_field(name)
                    names.add(field.attname if field.is_relation else field.name)
                after = {**before, **{k: v for k, v in after.items() if k in names}}
            changes = diff(before, after)
            # Soft delete and restore are updates of two fields that the trail names as such.
            action = self.__dict__.pop("_audit_action", None)
            if creating or changes:
                record(action or ("create" if creating else "update"), self, changes)
        self._audit_before = after


def _record_delete(sender: type, instance: models.Model, **kwargs: Any) -> None:
    if isinstance(instance, AuditedModel):
        if instance.__dict__.pop("_audit_action", None) == "purge":
            return  # the purge recorded its own entry
        before = instance.audit_before() or instance._audit_state()
        record("delete", instance, {k: [v, None] for k, v in before.items()})


def _record_m2m(sender: type, instance: models.Model, action: str, pk_set: Any, **kwargs: Any):
    if not isinstance(instance, AuditedModel) or action not in {
        "post_add",
        "post_remove",
        "post_clear",
    }:
        return
    field = next(
        (f.name for f in instance._meta.many_to_many if f.remote_field.through is sender),
        None,
    ) or next(
        # A link declared on the other model, changed from this side (``document.controls``).
        (
            r.get_accessor_name()
            for r in instance._meta.related_objects
            if r.many_to_many and r.through is sender
        ),
        sender._meta.model_name,
    )
    verb = action.removeprefix("post_")
    ids = sorted(str(pk) for pk in (pk_set or []))
    record("update", instance, {field: {verb: ids}})


USER_FIELDS = (
    "username",
    "email",
    "first_name",
    "last_name",
    "is_active",
    "is_staff",
    "is_superuser",
)


def _user_state(user: Any) -> dict[str, Any]:
    state = {name: getattr(user, name) for name in USER_FIELDS}
    state["password"] = "[set]" if user.password else ""
    return state


def _user_pre_save(sender: type, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if raw or instance.pk is None:
        instance._audit_user_before = {}
        return
    old = sender._base_manager.filter(pk=instance.pk).first()
    before = _user_state(old) if old is not None else {}
    if old is not None and old.password != instance.password:
        before["password"] = "[previous]"
    instance._audit_user_before = before


def _user_post_save(sender: type, instance: Any, created: bool, raw: bool = False, **kw: Any):
    """Accounts are install-wide: their changes go to the install's chain."""
    if raw:
        return
    changes = diff(getattr(instance, "_audit_user_before", {}), _user_state(instance))
    if created or changes:
        record(
            "create" if created else "update",
            instance,
            changes,
            organisation=None,
            object_repr=instance.get_username(),
        )


def _login(sender: type, request: Any, user: Any, **kwargs: Any) -> None:
    with acting_as(user):
        record("login", user, {}, organisation=None, object_repr=user.get_username())


def _logout(sender: type, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        with acting_as(user):
            record("logout", user, {}, organisation=None, object_repr=user.get_username())


def _login_failed(sender: type, credentials: dict, request: Any = None, **kwargs: Any) -> None:
    # Only the name that was tried; never anything resembling a password.
    tried = str(credentials.get("username", ""))[:150]
    with acting_as(Actor(user_id=None, label="anonymous")):
        record(
            "login_failed", None, {"username": tried}, organisation=None,
            object_type_label="auth.user", object_id="", object_repr=tried,
        )  # fmt: skip


def connect_signals() -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
    from django.db.models.signals import post_save, pre_save

    user_logged_in.connect(_login, dispatch_uid="openisms_audit_login")
    user_logged_out.connect(_logout, dispatch_uid="openisms_audit_logout")
    user_login_failed.connect(_login_failed, dispatch_uid="openisms_audit_login_failed")

    post_delete.connect(_record_delete, dispatch_uid="openisms_audit_delete")
    m2m_changed.connect(_record_m2m, dispatch_uid="openisms_audit_m2m")
    user_model = get_user_model()
    pre_save.connect(_user_pre_save, sender=user_model, dispatch_uid="openisms_user_pre")
    post_save.connect(_user_post_save, sender=user_model, dispatch_uid="openisms_user_post")
