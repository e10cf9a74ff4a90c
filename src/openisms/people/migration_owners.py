"""Owners become people (data migrations, historical models).

Until 2026-12 owner fields (asset owner and custodian, risk, action, control, evidence, request,
document owner and reviewer, requirement owner) pointed at logins. The migrations
``risk.0003``, ``controls.0003``, ``documents.0004`` and ``context.0003`` add a field to
``people.Person`` beside each, fill it with the organisation's person linked to that login
(``people_for_logins``: created from the login's full name and e-mail where the register has
none; a person is unique per (organisation, login)), then drop the login field and take its name.
Nothing here imports the live models: ``apps`` is the migration state. ``_base_manager`` is a
plain manager there and the unscoped one on live models (the tests pass the live registry).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.utils import timezone


def _full_name(user: Any) -> str:
    full = f"{user.first_name or ''} {user.last_name or ''}".strip()
    return (full or user.username)[:200]


def people_for_logins(apps: Any, pairs: Iterable[tuple[Any, int]]) -> dict[tuple[Any, int], Any]:
    """The person id of each (organisation id, user id), created where the register lacks one."""
    Person = apps.get_model("people", "Person")
    User = apps.get_model(*_user_model_label().split("."))
    pairs = set(pairs)
    if not pairs:
        return {}
    orgs = {org for org, _ in pairs}
    found = {
        (org, user): pk
        for org, user, pk in Person._base_manager.filter(
            organisation_id__in=orgs, user_id__isnull=False
        ).values_list("organisation_id", "user_id", "pk")
    }
    missing = [p for p in pairs if p not in found]
    users = User._base_manager.in_bulk({user for _, user in missing})
    new = []
    for org, user_id in sorted(missing, key=str):
        user = users[user_id]
        person = Person(
            id=uuid.uuid4(), organisation_id=org, user_id=user_id, full_name=_full_name(user),
            email=user.email or "", created_at=timezone.now(),
        )  # fmt: skip
        new.append(person)
        found[(org, user_id)] = person.pk
    Person._base_manager.bulk_create(new)
    return found


def _user_model_label() -> str:
    from django.conf import settings

    return settings.AUTH_USER_MODEL


def map_owners(apps: Any, app_label: str, model_name: str, fields: dict[str, str]) -> None:
    """Fill each new person field (value) from the login field (key) on ``app_label.model_name``."""
    Model = apps.get_model(app_label, model_name)
    columns = [f"{f}_id" for f in fields]
    rows = list(Model._base_manager.values_list("pk", "organisation_id", *columns))
    pairs = {(r[1], u) for r in rows for u in r[2:] if u is not None}
    people = people_for_logins(apps, pairs)
    for row in rows:
        values = {
            f"{new}_id": people[(row[1], user)]
            for (old, new), user in zip(fields.items(), row[2:], strict=True)
            if user is not None
        }
        if values:
            Model._base_manager.filter(pk=row[0]).update(**values)


def unmap_owners(apps: Any, app_label: str, model_name: str, fields: dict[str, str]) -> None:
    """Backwards: the login of each person field; people without a login leave it empty."""
    Model = apps.get_model(app_label, model_name)
    Person = apps.get_model("people", "Person")
    logins = dict(Person._base_manager.exclude(user=None).values_list("pk", "user_id"))
    for row in Model._base_manager.values_list("pk", *[f"{new}_id" for new in fields.values()]):
        values = {
            f"{old}_id": logins.get(pid) for old, pid in zip(fields, row[1:], strict=True) if pid
        }
        if values:
            Model._base_manager.filter(pk=row[0]).update(**values)


def operations(
    app_label: str,
    model_name: str,
    fields: dict[str, Any],
    indexes: Iterable[Any] = (),
) -> list[Any]:
    """The steps that move ``fields`` (name → final ``ForeignKey`` to ``people.Person``) from
    logins to people on one model: drop the owner indexes, add ``<name>_person``, make the old
    field optional, map, drop the old field, take its name, restore the final definition and the
    indexes."""
    from django.conf import settings
    from django.db import migrations, models

    temp = {name: f"{name}_person" for name in fields}
    lower = model_name.lower()

    def forward(apps: Any, schema_editor: Any) -> None:
        map_owners(apps, app_label, model_name, temp)

    def backward(apps: Any, schema_editor: Any) -> None:
        unmap_owners(apps, app_label, model_name, temp)

    def person_fk() -> Any:
        return models.ForeignKey(
            "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
        )

    def optional_login() -> Any:
        return models.ForeignKey(
            settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
            related_name="+",
        )  # fmt: skip

    indexes = list(indexes)
    ops: list[Any] = [migrations.RemoveIndex(lower, i.name) for i in indexes]
    ops += [migrations.AddField(lower, temp[name], person_fk()) for name in fields]
    # The old field becomes optional before the mapping: going back, the logins are filled in
    # before the field is required again.
    ops += [migrations.AlterField(lower, name, optional_login()) for name in fields]
    ops.append(migrations.RunPython(forward, backward, elidable=False))
    for name, final in fields.items():
        ops += [
            migrations.RemoveField(lower, name),
            migrations.RenameField(lower, temp[name], name),
            migrations.AlterField(lower, name, final),
        ]
    ops += [migrations.AddIndex(lower, i) for i in indexes]
    return ops
