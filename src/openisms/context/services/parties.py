"""Writes to the interested parties (4.2) and the requirements register."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from openisms.context.models import InterestedParty, Obligation, ObligationSource, PartyKind
from openisms.context.services.common import by_ids, set_choice, set_flag, set_text
from openisms.controls import links
from openisms.core.context import require_org
from openisms.core.models.sequence import next_ref
from openisms.people.identity import resolve_owner

PARTY_TEXT = ("name", "description", "expectations")
OBLIGATION_TEXT = ("title", "reference", "description", "how_addressed")


# --- interested parties -----------------------------------------------------------------


def _apply_party(party: InterestedParty, data: dict[str, Any]) -> None:
    set_text(party, data, PARTY_TEXT)
    if not party.name:
        raise ValidationError({"name": "Name the interested party."})
    set_choice(party, data, "kind", PartyKind)
    set_flag(party, data, "is_internal")


@transaction.atomic
def create_party(data: dict[str, Any]) -> InterestedParty:
    if not data.get("kind"):
        raise ValidationError({"kind": "Choose what kind of party it is."})
    party = InterestedParty(organisation=require_org())
    _apply_party(party, {"name": "", **data})
    party.full_clean(exclude=["organisation"])
    party.save()
    return party


@transaction.atomic
def update_party(party: InterestedParty, data: dict[str, Any]) -> InterestedParty:
    _apply_party(party, data)
    party.full_clean(exclude=["organisation"])
    party.save()
    return party


def delete_party(party: InterestedParty) -> None:
    # Its requirements stay in the register (they may come from other parties or the law);
    # only the link goes.
    party.delete()


# --- requirements register ----------------------------------------------------------------


def _apply_obligation(ob: Obligation, data: dict[str, Any]) -> dict[str, list[Any]]:
    set_text(ob, data, OBLIGATION_TEXT)
    if not ob.title:
        raise ValidationError({"title": "Give the requirement a short title."})
    set_choice(ob, data, "source", ObligationSource)
    set_flag(ob, data, "is_active")
    if "owner" in data:
        ob.owner = resolve_owner(data["owner"], "owner")
    relations: dict[str, list[Any]] = {}
    if "parties" in data:
        relations["parties"] = by_ids(InterestedParty, data["parties"], "parties")
    if "controls" in data:
        relations["controls"] = links.resolve(data["controls"])

    return relations


def _save_obligation(ob: Obligation, relations: dict[str, list[Any]]) -> Obligation:
    ob.full_clean(exclude=["organisation", "parties", "controls", "owner"])
    ob.save()
    for name, values in relations.items():
        getattr(ob, name).set(values)
    return ob


@transaction.atomic
def create_obligation(data: dict[str, Any]) -> Obligation:
    if not data.get("source"):
        raise ValidationError({"source": "Choose where the requirement comes from."})
    org = require_org()
    ob = Obligation(organisation=org)
    relations = _apply_obligation(ob, {"title": "", **data})
    ob.ref = next_ref(org, "REQ")
    return _save_obligation(ob, relations)


@transaction.atomic
def update_obligation(ob: Obligation, data: dict[str, Any]) -> Obligation:
    return _save_obligation(ob, _apply_obligation(ob, data))


def delete_obligation(ob: Obligation) -> None:
    ob.delete()
