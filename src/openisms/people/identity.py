"""Who owns what: owners are people of the register (``people.Person``), with or without a login.

The one place that links a login to its person (``person_for``, ``owned_by_q``), decides who may
own something (``owner_choices``), resolves an owner given by id, name, e-mail or username
(``resolve_owner``, ``match_people``) and names people the same way everywhere
(``display_name``). Sign-offs (approvals, authorship, uploads) stay acts of a login.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from openisms.core.context import require_org
from openisms.core.models import Membership
from openisms.core.permissions import READ_ONLY_ROLES
from openisms.people.models import Person

AMBIGUOUS = "ambiguous"


def display_name(who: Any) -> str:
    """A person, login or ISMS role as every page, export and API names it: the full name; the
    username only where there is no name; a role as "Role: <name>"; ``None`` is empty."""
    if who is None:
        return ""
    if isinstance(who, Person):
        return who.full_name
    if who.__class__.__name__ == "IsmsRole":
        return f"Role: {who.name}"
    getter = getattr(who, "get_full_name", None)
    if callable(getter):
        return (getter() or "").strip() or who.get_username()
    return str(who)


def user_full_name(user: Any) -> str:
    return (user.get_full_name() or "").strip() or user.get_username()


def person_for(user: Any, org: Any = None, *, create: bool = False) -> Person | None:
    """The person of ``org``'s register linked to ``user`` (created from the login's name and
    e-mail when ``create`` and there is none yet)."""
    if user is None or not getattr(user, "is_authenticated", True):
        return None
    org = org or require_org()
    found = Person.unscoped.filter(organisation=org, user_id=user.pk).first()
    if found is None and create:
        found = Person(organisation=org, user=user, full_name=user_full_name(user))
        found.email = user.email or ""
        found.save()
    return found


def ensure_member_people(org: Any) -> None:
    """Members who may own things get their person in the register (from the login's name and
    e-mail) the first time owners are offered, so pickers, imports and the API find them. One
    query when everyone has theirs already."""
    linked = Person.unscoped.filter(organisation=org, user__isnull=False).values("user_id")
    missing = (
        Membership.objects.active()
        .filter(organisation=org)
        .exclude(role__in=READ_ONLY_ROLES)
        .exclude(user_id__in=linked)
        .select_related("user")
    )
    for membership in missing:
        person_for(membership.user, org, create=True)


def owned_by_q(user: Any, field: str = "owner") -> Q:
    """Records whose ``field`` is the person linked to ``user`` ("My risks", "controls I own")."""
    if user is None or not getattr(user, "is_authenticated", True):
        return Q(pk__in=[])
    return Q(**{f"{field}__user_id": user.pk})


def is_owner(record: Any, user: Any, field: str = "owner") -> bool:
    """Whether ``user``'s person is ``record.<field>`` (one query at most, none when unset)."""
    if user is None or getattr(record, f"{field}_id") is None:
        return False
    return getattr(record, field).user_id == user.pk


def _read_only_logins(org: Any) -> QuerySet:
    return Membership.objects.filter(organisation=org, role__in=READ_ONLY_ROLES).values("user_id")


def owner_choices(current: Iterable[Any] = (), *, ensure: bool = True) -> QuerySet[Person]:
    """People who may own something: active people of the register whose login (if any) is not
    an auditor or viewer of the organisation; ``current`` owners stay selectable. List filters
    pass ``ensure=False`` (they only list people who may already own something)."""
    org = require_org()
    if ensure:
        ensure_member_people(org)
    may = Q(is_active=True) & ~Q(user_id__in=_read_only_logins(org))
    keep = [getattr(c, "pk", c) for c in current if c]
    return Person.objects.filter(may | Q(pk__in=keep)).order_by("full_name")


def vouch(person: Person) -> Person:
    """Mark a person read from ``owner_choices`` as eligible, so services do not ask again
    (imports of thousands of rows would pay one query per row otherwise)."""
    person._may_own = True  # noqa: SLF001
    return person


def _eligible(person: Person, field: str) -> Person:
    if getattr(person, "_may_own", False):
        return person
    if not owner_choices(ensure=False).filter(pk=person.pk).exists():
        raise ValidationError({field: f"{person.full_name} may not own records here."})
    return person


def match_people(names: Iterable[str]) -> dict[str, Person | str | None]:
    """Each name (full name, e-mail or login username, case-insensitive) → its person, ``None``
    when nobody matches, ``AMBIGUOUS`` when several do. Two queries whatever the number."""
    wanted = {n.strip().lower(): n for n in names if n and n.strip()}
    if not wanted:
        return {}
    people = [vouch(p) for p in owner_choices().select_related("user")]
    users = {
        u.pk: u.username.lower()
        for u in get_user_model()
        .objects.filter(pk__in=[p.user_id for p in people if p.user_id])
        .only("username")
    }
    hits: dict[str, list[Person]] = {}
    for p in people:
        keys = {p.full_name.strip().lower(), (p.email or "").lower(), users.get(p.user_id, "")}
        for key in keys & wanted.keys():
            hits.setdefault(key, []).append(p)
    out: dict[str, Person | str | None] = {}
    for key, original in wanted.items():
        found = {p.pk: p for p in hits.get(key, [])}
        out[original] = (
            None if not found else next(iter(found.values())) if len(found) == 1 else AMBIGUOUS
        )
    return out


def resolve_owner(value: Any, field: str = "owner") -> Person | None:
    """An owner given as a person, a login of the organisation (its person, created on first
    use), a person id, or a name / e-mail / username; a clear error when unknown or ambiguous."""
    if value is None or value == "":
        return None
    org = require_org()
    if isinstance(value, Person):
        if value.organisation_id != org.pk:
            raise ValidationError({field: "Unknown person."})
        return _eligible(value, field)
    if isinstance(value, get_user_model()):
        if not Membership.objects.active().filter(organisation=org, user=value).exists():
            raise ValidationError({field: f"{value} is not a member of {org.name}."})
        return _eligible(person_for(value, org, create=True), field)
    text = str(value).strip()
    try:
        by_id = Person.objects.filter(pk=uuid.UUID(text)).first()
    except ValueError:
        by_id = None
    if by_id is not None:
        return _eligible(by_id, field)
    found = match_people([text]).get(text)
    if found is None:
        raise ValidationError({field: f"No person called “{text}” in the people register."})
    if found == AMBIGUOUS:
        raise ValidationError(
            {field: f"Several people match “{text}”; give their e-mail or person id."}
        )
    return found


def owner_out(person: Person | None) -> dict[str, Any]:
    """How the API gives an owner: the display name and the person's id."""
    return {"name": display_name(person) or None, "id": person.pk if person else None}


def owner_filter_q(value: str, field: str = "owner") -> Q:
    """A list filter on an owner: a person id, ``none``, or a login's username / a full name
    (links written before owners were people keep working)."""
    value = (value or "").strip()
    if not value:
        return Q()
    if value == "none":
        return Q(**{f"{field}__isnull": True})
    try:
        return Q(**{f"{field}_id": uuid.UUID(value)})
    except ValueError:
        by_login = Q(**{f"{field}__user__username": value})
        return by_login | Q(**{f"{field}__full_name__iexact": value})
