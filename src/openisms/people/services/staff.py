"""Writes to the staff register (7.2): people, competences and the competences people hold."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from openisms.core.context import require_org
from openisms.core.models import Membership
from openisms.core.services.lookups import own
from openisms.core.validation import as_date, clean_text
from openisms.people.models import (
    AssignmentStatus,
    Competence,
    Person,
    PersonCompetence,
    TrainingAssignment,
)

PERSON_TEXT = ("full_name", "job_title", "department")


# --- people -------------------------------------------------------------------------------


def _linked_user(user: Any, person: Person) -> Any:
    if user is None:
        return None
    org = require_org()
    if not Membership.objects.active().filter(organisation=org, user=user).exists():
        raise ValidationError({"user": f"{user} is not a member of {org.name}."})
    other = Person.objects.filter(user=user).exclude(pk=person.pk).first()
    if other is not None:
        raise ValidationError(
            {"user": f"{user} is already linked to {other.full_name}; one person per login."}
        )
    return user


def _apply_person(person: Person, data: dict[str, Any]) -> None:
    for name in PERSON_TEXT:
        if name in data:
            setattr(person, name, clean_text(data[name], name))
    if not person.full_name:
        raise ValidationError({"full_name": "Give the person's full name."})
    if "email" in data:
        email = clean_text(data["email"], "email")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                raise ValidationError({"email": "Enter a valid e-mail address."}) from None
        person.email = email
    if "manager" in data:
        manager = own(Person, data["manager"], "manager")
        if manager is not None and manager.pk == person.pk:
            raise ValidationError({"manager": "A person cannot be their own manager."})
        if manager is not None and person.pk and _manages(person, manager):
            raise ValidationError(
                {"manager": f"{manager.full_name} reports to {person.full_name} already."}
            )
        person.manager = manager
    if "user" in data:
        person.user = _linked_user(data["user"], person)
    if "start_date" in data:
        person.start_date = as_date(data["start_date"], "start_date")
    if "is_active" in data and data["is_active"] is not None:
        person.is_active = bool(data["is_active"])


def _manages(person: Person, candidate: Person) -> bool:
    """Whether ``person`` is above ``candidate`` in the reporting line (no cycles)."""
    chain = dict(Person.objects.exclude(manager=None).values_list("pk", "manager_id"))
    seen, current = set(), candidate.pk
    while current in chain and current not in seen:
        seen.add(current)
        current = chain[current]
        if current == person.pk:
            return True
    return False


@transaction.atomic
def create_person(data: dict[str, Any]) -> Person:
    person = Person(organisation=require_org())
    _apply_person(person, data)
    person.full_clean(exclude=["organisation", "manager", "user"])
    person.save()
    return person


@transaction.atomic
def update_person(person: Person, data: dict[str, Any]) -> Person:
    was_active = person.is_active
    _apply_person(person, data)
    person.full_clean(exclude=["organisation", "manager", "user"])
    person.save()
    if was_active and not person.is_active:
        _excuse_open_training(person)
    return person


def _excuse_open_training(person: Person) -> None:
    """Someone who left is no longer chased for training; the note says why."""
    today = timezone.localdate()
    for a in TrainingAssignment.objects.filter(person=person, status=AssignmentStatus.ASSIGNED):
        a.status = AssignmentStatus.EXCUSED
        a.notes = (a.notes + "\n" if a.notes else "") + f"Excused on {today}: no longer active."
        a.save()


def deactivate_person(person: Person) -> Person:
    """Mark a leaver inactive; their open training is excused (the history stays)."""
    return update_person(person, {"is_active": False})


def delete_person(person: Person) -> None:
    """Only for a record made by mistake: people with history are deactivated instead."""
    reasons = []
    if person.training.exists():
        reasons.append("training records")
    if person.competences.exists():
        reasons.append("competences")
    if person.acknowledgements.exists():
        reasons.append("policy acknowledgements")
    if person.isms_roles.exists():
        reasons.append("ISMS roles")
    if reasons:
        raise ValidationError(
            f"{person.full_name} has {', '.join(reasons)}; deactivate them instead so that "
            "the evidence stays."
        )
    owned = _owned_kinds(person)
    if owned:
        raise ValidationError(
            f"{person.full_name} owns records ({', '.join(owned)}); name another owner for "
            "them, or deactivate the person instead."
        )
    try:
        with transaction.atomic():
            person.delete()
    except ProtectedError:
        raise ValidationError(
            f"{person.full_name} owns records (assets, risks, controls, documents …); name "
            "another owner for them, or deactivate the person instead."
        ) from None


def _owned_kinds(person: Person) -> list[str]:
    """The kinds of live record that name ``person`` through a protected link (owners).

    A soft delete raises no ProtectedError, so the owner fields are asked explicitly: a deleted
    person must not leave assets, risks or controls owned by nobody visible."""
    kinds = []
    # Owner fields have related_name "+": hidden relations are not in related_objects.
    for rel in Person._meta.get_fields(include_hidden=True):
        if not rel.auto_created or rel.concrete or rel.many_to_many:
            continue
        if getattr(rel, "on_delete", None) is not models.PROTECT:
            continue
        manager = rel.related_model._default_manager
        if manager.filter(**{rel.field.name: person}).exists():
            kinds.append(str(rel.related_model._meta.verbose_name_plural))
    return sorted(set(kinds))


# --- competences --------------------------------------------------------------------------


def _apply_competence(competence: Competence, data: dict[str, Any]) -> None:
    for name in ("name", "description"):
        if name in data:
            setattr(competence, name, clean_text(data[name], name))
    if not competence.name:
        raise ValidationError({"name": "Give the competence a name."})
    clash = Competence.objects.filter(name__iexact=competence.name).exclude(pk=competence.pk)
    if clash.exists():
        raise ValidationError({"name": f"There is a competence called {competence.name} already."})


@transaction.atomic
def create_competence(data: dict[str, Any]) -> Competence:
    competence = Competence(organisation=require_org())
    _apply_competence(competence, data)
    competence.full_clean(exclude=["organisation"], validate_constraints=False)
    competence.save()
    return competence


@transaction.atomic
def update_competence(competence: Competence, data: dict[str, Any]) -> Competence:
    _apply_competence(competence, data)
    competence.full_clean(exclude=["organisation"], validate_constraints=False)
    competence.save()
    return competence


def delete_competence(competence: Competence) -> None:
    holders = competence.holders.count()
    if holders:
        raise ValidationError(
            f"{holders} {'person holds' if holders == 1 else 'people hold'} {competence.name}; "
            "remove those records first."
        )
    roles = [r.name for r in competence.required_by.all()]
    if roles:
        raise ValidationError(
            f"{competence.name} is required by the ISMS role(s) {', '.join(roles)}; "
            "change the roles first."
        )
    # Courses that granted it simply stop granting it.
    competence.delete()


# --- competences a person holds -----------------------------------------------------------


def _apply_holding(record: PersonCompetence, data: dict[str, Any]) -> None:
    if "acquired_on" in data:
        record.acquired_on = as_date(data["acquired_on"], "acquired_on")
    if "expires_on" in data:
        record.expires_on = as_date(data["expires_on"], "expires_on")
    if "evidence" in data:
        record.evidence = clean_text(data["evidence"], "evidence")
    if record.acquired_on and record.acquired_on > timezone.localdate():
        raise ValidationError({"acquired_on": "The date acquired cannot be in the future."})
    if record.acquired_on and record.expires_on and record.expires_on < record.acquired_on:
        raise ValidationError({"expires_on": "It cannot expire before it was acquired."})


@transaction.atomic
def record_competence(person: Person, data: dict[str, Any]) -> PersonCompetence:
    """Record (or update) that ``person`` holds ``data["competence"]``, with dates and evidence."""
    person = own(Person, person, "person")
    competence = own(Competence, data.get("competence"), "competence")
    if competence is None:
        raise ValidationError({"competence": "Choose a competence."})
    record = PersonCompetence.objects.filter(person=person, competence=competence).first()
    if record is None:
        record = PersonCompetence(organisation=require_org(), person=person, competence=competence)
    _apply_holding(record, data)
    record.full_clean(exclude=["organisation", "person", "competence"], validate_constraints=False)
    record.save()
    return record


@transaction.atomic
def update_holding(record: PersonCompetence, data: dict[str, Any]) -> PersonCompetence:
    _apply_holding(record, data)
    record.full_clean(exclude=["organisation", "person", "competence"], validate_constraints=False)
    record.save()
    return record


def remove_holding(record: PersonCompetence) -> None:
    record.delete()
