"""The one owner picker of every form: people who may own something (``identity.owner_choices``),
named as everywhere else, with the job title to tell namesakes apart."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms

from openisms.people.identity import display_name, match_people, owner_choices
from openisms.people.models import Person


class OwnerChoiceField(forms.ModelChoiceField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Person.unscoped.none())
        kwargs.setdefault("required", False)
        kwargs.setdefault("empty_label", "— nobody yet —")
        kwargs.setdefault(
            "error_messages", {"invalid_choice": "Choose a person of the people register."}
        )
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> Person | None:
        """A person id as the picker sends it; a login's username, e-mail or full name is
        accepted too (scripts and links written before owners were people)."""
        if value in self.empty_values:
            return None
        try:
            uuid.UUID(str(value))
        except ValueError:
            found = match_people([str(value)]).get(str(value))
            if isinstance(found, Person):
                value = found.pk
        return super().to_python(value)

    def label_from_instance(self, obj: Person) -> str:
        name = display_name(obj)
        return f"{name} — {obj.job_title}" if obj.job_title else name


def offer_owners(form: forms.Form, *names: str, instance: Any = None) -> None:
    """Fill the named owner fields of ``form`` (built inside the organisation's context); the
    instance's current owners stay selectable even if no longer eligible."""
    current = [getattr(instance, f"{n}_id", None) for n in names] if instance is not None else []
    qs = owner_choices(current)
    for name in names:
        if name in form.fields:
            form.fields[name].queryset = qs
