"""Header suggestions for the import mapping step: “Asset name” → name, “Confidentiality (1-5)” →
confidentiality, “Asset Owner” → owner.

A header is compared to each column's field and label after normalising both: case, spacing and
punctuation do not matter, a unit in parentheses (“(1-5)”, “(EUR)”) is dropped, and a leading
word naming the record (“Asset”, “Risk”) is optional. Synonyms cover what registers kept in other
tools call the same thing. The page preselects the suggestions in the mapping form (the user
confirms them); the CLI uses them when ``--map`` is not given. Suggestions never override a
header that already names one of our columns or an explicit mapping.
"""

from __future__ import annotations

import re

from openisms.risk.io import columns as C

# Normalised header → field, per kind. Keys are written as ``normalise`` leaves them.
SYNONYMS: dict[str, dict[str, str]] = {
    C.ASSETS: {
        "asset": "name",
        "asset name": "name",
        "title": "name",
        "kind": "type",
        "category": "type",
        "asset type": "type",
        "type kind": "type",
        "kind type": "type",
        "asset owner": "owner",
        "owned by": "owner",
        "responsible": "owner",
        "custodian": "custodian",
        "asset custodian": "custodian",
        "site": "location",
        "classification level": "classification",
        "data classification": "classification",
        "c": "confidentiality",
        "i": "integrity",
        "a": "availability",
        "id": "ref",
        "reference": "ref",
        "asset id": "ref",
        "status": "lifecycle",
        "details": "description",
        "notes": "description",
        "depends on": "depends_on",
        "dependencies": "depends_on",
        "labels": "tags",
    },
    C.RISKS: {
        "risk": "title",
        "name": "title",
        "risk name": "title",
        "risk title": "title",
        "type": "kind",
        "category": "kind",
        "risk type": "kind",
        "type kind": "kind",
        "kind type": "kind",
        "details": "description",
        "risk description": "description",
        "owner": "owner",
        "risk owner": "owner",
        "responsible": "owner",
        "likelihood": "inherent_likelihood",
        "probability": "inherent_likelihood",
        "impact": "inherent_impact",
        "consequence": "inherent_impact",
        "severity": "inherent_impact",
        "treatment": "treatment",
        "treatment option": "treatment",
        "risk treatment": "treatment",
        "controls": "controls",
        "annex a": "controls",
        "id": "ref",
        "reference": "ref",
        "risk id": "ref",
        "affected assets": "assets",
        "asset": "assets",
        "threats": "threat",
        "vulnerabilities": "vulnerability",
        "review date": "next_review",
    },
}
RECORD_WORDS = {C.ASSETS: ("asset",), C.RISKS: ("risk",)}


def normalise(header: str) -> str:
    """Lower case, units in parentheses dropped, punctuation and spacing reduced to one space."""
    text = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", str(header)).lower()
    text = re.sub(r"[^0-9a-z]+", " ", text)
    return " ".join(text.split())


def _known(kind: str) -> dict[str, str]:
    """Normalised field names and labels of our importable columns."""
    known = {}
    for column in C.columns(kind):
        if column.importable:
            known[normalise(column.field.replace("_", " "))] = column.field
            if column.label:
                known[normalise(column.label)] = column.field
    return known


def suggest_field(kind: str, header: str) -> str | None:
    """The column ``header`` most likely means, or None."""
    key = normalise(header)
    if not key:
        return None
    known, synonyms = _known(kind), SYNONYMS.get(kind, {})
    candidates = [key]
    for word in RECORD_WORDS.get(kind, ()):
        if key.startswith(word + " "):
            candidates.append(key.removeprefix(word + " "))
    for candidate in candidates:
        if candidate in known:
            return known[candidate]
        if candidate in synonyms:
            return synonyms[candidate]
    return None


def suggestions(kind: str, headers: list[str], mapping: dict[str, str]) -> dict[str, str]:
    """Header key → suggested field, for headers that are neither ours nor mapped already.

    A field is suggested once (to the first header that asks for it) and never when one of
    their headers already names it.
    """
    mapped = {C.header_key(k) for k in mapping}
    taken = {C.field_for_header(kind, h) for h in headers if h} | set(mapping.values())
    out: dict[str, str] = {}
    for header in headers:
        if not header or C.field_for_header(kind, header):
            continue
        key = C.header_key(header)
        if key in mapped:
            continue
        field = suggest_field(kind, header)
        if field and field not in taken:
            out[key] = field
            taken.add(field)
    return out


def with_suggestions(kind: str, headers: list[str], mapping: dict[str, str]) -> dict[str, str]:
    """``mapping`` completed by the suggestions (the CLI's default when no --map is given)."""
    given = {C.header_key(k): v for k, v in mapping.items()}
    return {**suggestions(kind, headers, given), **given}
