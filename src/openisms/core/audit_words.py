"""The audit trail in human words: “Max Manager created evidence request ‘Evidence for …’”.

Everything is derived at read time from what each entry already stores (action, object type,
the record's ``str`` at write time, the field-level changes) plus the acting user, loaded with
the entries through ``select_related("actor")``: nothing is added to what the chain hashes, and
a page of entries costs no query per entry. Field names and choice labels come from the model
classes (no database access); values that would mean nothing to a reader (keys of related
records, long texts) are left out and only the field is named.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models

from openisms.core.audit_chain import SWITCH_OVER_ACTION

VERBS = {
    "create": "created",
    "update": "changed",
    "delete": "deleted",
    "restore": "restored",
    "purge": "purged",
    "approved": "approved",
    "rejected": "rejected",
    "reviewed": "recorded the review of",
    "login": "logged in",
    "logout": "logged out",
    "login_failed": "failed to log in as",
    SWITCH_OVER_ACTION: "sealed the audit trail with the audit key",
}
# Entries whose record is the actor's own account: the sentence needs no object.
NO_OBJECT = {"login", "logout", SWITCH_OVER_ACTION}
MAX_VALUE = 60  # longer values are not repeated in the sentence
MAX_FIELDS = 3  # fields named in one sentence; the rest are counted


def display_name(user: Any, fallback: str = "") -> str:
    """A person's full name; the username only where there is no name."""
    if user is None:
        return fallback
    full = f"{user.first_name or ''} {user.last_name or ''}".strip()
    return full or user.get_username()


def _model(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def noun(object_type: str) -> str:
    model = _model(object_type)
    if model is None:
        return object_type.rpartition(".")[2].replace("_", " ") or "record"
    return str(model._meta.verbose_name)


def _field(model: type[models.Model] | None, name: str) -> models.Field | None:
    if model is None:
        return None
    for candidate in (name, name.removesuffix("_id")):
        try:
            return model._meta.get_field(candidate)
        except FieldDoesNotExist:
            continue
    return None


def _label(model: type[models.Model] | None, name: str) -> str:
    field = _field(model, name)
    if field is not None and hasattr(field, "verbose_name"):
        return str(field.verbose_name)
    if field is not None:  # a reverse relation: its accessor, in words
        return name.replace("_", " ")
    return name.removesuffix("_id").replace("_", " ")


def _value(field: models.Field | None, value: Any) -> str | None:
    """The value as a reader says it, or None where repeating it would not help."""
    if value is None or value == "":
        return "empty"
    if field is not None and field.is_relation:
        return None
    if field is not None and field.choices:
        labels = {str(k): str(v) for k, v in field.flatchoices}
        if str(value) in labels:
            return labels[str(value)]
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict | list):
        return None
    text = str(value)
    if len(text) > MAX_VALUE or "\n" in text:
        return None
    return text


def _link_phrase(label: str, change: dict[str, Any]) -> str:
    parts = []
    for verb, word in (("add", "added"), ("remove", "removed")):
        ids = change.get(verb) or []
        if ids:
            parts.append(f"{word} {len(ids)} {label}")
    if "clear" in change:
        parts.append(f"cleared {label}")
    return ", ".join(parts) or f"changed {label}"


def change_phrases(object_type: str, changes: dict[str, Any]) -> list[str]:
    """“status from Planned to Implemented”, one per changed field, for an update."""
    model = _model(object_type)
    phrases = []
    for name, change in changes.items():
        if name in {"updated_at", "created_at"}:
            continue
        label = _label(model, name)
        if isinstance(change, dict):
            phrases.append(_link_phrase(label, change))
            continue
        if not isinstance(change, list | tuple) or len(change) != 2:
            phrases.append(label)
            continue
        field = _field(model, name)
        before, after = _value(field, change[0]), _value(field, change[1])
        if before is None or after is None:
            phrases.append(label)
        else:
            phrases.append(f"{label} from “{before}” to “{after}”")
    return phrases


def summary(entry: Any) -> str:
    """The changes of an update in words; empty for other actions."""
    if entry.action != "update" or not entry.changes:
        return ""
    phrases = change_phrases(entry.object_type, entry.changes)
    if len(phrases) > MAX_FIELDS:
        rest = len(phrases) - MAX_FIELDS
        phrases = [*phrases[:MAX_FIELDS], f"{rest} more field{'s' if rest != 1 else ''}"]
    return ", ".join(phrases)


def describe(entry: Any) -> Any:
    """Give ``entry`` the attributes pages show: who, verb, what, summary and sentence."""
    # Only an actor loaded with the entry is used: never a query per entry.
    actor = entry._state.fields_cache.get("actor")
    entry.who = display_name(actor, entry.actor_label)
    entry.verb = VERBS.get(entry.action, entry.action.replace("_", " ").replace(".", " "))
    if entry.action in NO_OBJECT:
        entry.what = ""
    else:
        name = noun(entry.object_type) if entry.object_type else ""
        quoted = f"‘{entry.object_repr}’" if entry.object_repr else ""
        if entry.object_id == "bulk":
            count = (entry.changes or {}).get("count")
            name = f"{count} × {name}" if count else name
        entry.what = " ".join(part for part in (name, quoted) if part)
    entry.summary = summary(entry)
    sentence = " ".join(part for part in (entry.who, entry.verb, entry.what) if part)
    entry.sentence = f"{sentence}: {entry.summary}" if entry.summary else sentence
    return entry


def describe_all(entries: Iterable[Any]) -> list[Any]:
    """Every entry described; load them with ``select_related("actor")`` (no extra query)."""
    return [describe(e) for e in entries]
