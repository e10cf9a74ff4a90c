"""Turning spreadsheet cells into field values, with every reference looked up in bulk.

:class:`Lookups` loads what a file can refer to (members, classification levels, assets,
threats, vulnerabilities, Annex A controls) in a handful of queries, whatever the number of
rows; :func:`convert` then reads one cell without touching the database.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from openisms.catalogue.models import Requirement
from openisms.core.context import require_org
from openisms.core.exports import ESCAPED
from openisms.leadership.models import IsmsRole
from openisms.people.identity import owner_choices, vouch
from openisms.risk.io import columns as C
from openisms.risk.io.reader import Formula
from openisms.risk.models import Asset, ClassificationLevel, Risk, Threat, Vulnerability
from openisms.risk.services import methodology as methods

MISSING = object()  # an empty cell that means "keep the current value / use the default"
REF_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,19}")
SPLIT_RE = re.compile(r"[,;\s]+")
DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[ T]00:00(?::00)?)?")


class CellError(ValueError):
    pass


CREATE = "create"  # an ``owners:`` mapping value: create the unknown name as a person


@dataclass(frozen=True)
class NewOwner:
    """An owner name nobody in the register has; becomes a person only when the import is
    told to create missing owners."""

    name: str
    pk: None = None


class Lookups:
    """Everything the rows of one file may refer to, loaded once."""

    def __init__(self, kind: str, owner_choices_of: dict[str, str] | None = None) -> None:
        org = require_org()
        self.org_name = org.name
        self.kind = kind
        # Owners are people of the register: by full name (as exports write them), e-mail or
        # login username, case-insensitive. Names nobody has are collected once (``unknown``)
        # for the report instead of failing each row; ``owner_choices`` (from the mapping's
        # ``owners:`` entries) says to create them ("create") or which person stands for one.
        people = [vouch(p) for p in owner_choices().select_related("user")]
        index: dict[str, dict[Any, Any]] = {}
        for p in people:
            login = p.user.username.lower() if p.user_id else ""
            for alias in {p.full_name.strip().lower(), (p.email or "").lower(), login}:
                if alias:
                    index.setdefault(alias, {})[p.pk] = p
        self.people = {k: list(v.values()) for k, v in index.items()}
        self.people_by_id = {str(p.pk): p for p in people}
        self.roles = {r.name.strip().lower(): r for r in IsmsRole.objects.all()}
        self.owner_choices = dict(owner_choices_of or {})
        self.unknown: dict[str, str] = {}  # lower-cased name -> as first written
        self.classifications = {c.name.lower(): c for c in ClassificationLevel.objects.all()}
        # (pk, ref, name) of every asset: resolves refs and finds name clashes.
        self.assets = {
            ref.upper(): (pk, ref, name)
            for pk, ref, name in Asset.objects.values_list("pk", "ref", "name")
        }
        self.risks: dict[str, tuple[Any, str, str]] = {}
        self.threats: dict[str, Any] = {}
        self.vulnerabilities: dict[str, Any] = {}
        self.controls: dict[str, str] = {}
        self.control_order: dict[str, int] = {}
        self.method = None
        self.file_refs: dict[str, str] = {}  # refs the file itself brings (upper -> as written)
        if kind == C.RISKS:
            self.risks = {
                ref.upper(): (pk, ref, title)
                for pk, ref, title in Risk.objects.values_list("pk", "ref", "title")
            }
            self.threats = _library_index(Threat.objects.all())
            self.vulnerabilities = _library_index(Vulnerability.objects.all())
            for ref, order in Requirement.objects.filter(
                framework__slug="iso27001-2022", kind="control"
            ).values_list("ref", "order"):
                self.controls[ref.upper()] = ref
                self.control_order[ref] = order
            self.method = methods.current().method

    @property
    def records(self) -> dict[str, tuple[Any, str, str]]:
        """(pk, ref, name-or-title) of the kind being imported, by upper-cased ref."""
        return self.assets if self.kind == C.ASSETS else self.risks

    def person(self, name: str, *, role_allowed: bool = False) -> Any:
        """The person (or, where allowed, the ISMS role "Role: …") a cell names; a
        :class:`NewOwner` for a name nobody has (listed once in the report)."""
        key = name.strip().lower()
        if role_allowed and key.startswith("role:"):
            role = self.roles.get(key[5:].strip())
            if role is None:
                raise CellError(f"No ISMS role called “{name[5:].strip()}”.")
            return role
        found = self.people.get(key, [])
        if len(found) > 1:
            raise CellError(f"Several people match “{name}”: write their e-mail address instead.")
        if found:
            return found[0]
        choice = self.owner_choices.get(key) or self.owner_choices.get("*")
        if choice and choice != CREATE and choice in self.people_by_id:
            return self.people_by_id[choice]
        self.unknown.setdefault(key, name.strip())
        return NewOwner(name.strip()[:200])


def _library_index(entries: Iterable[Any]) -> dict[str, Any]:
    """Entries by code and, where no other entry shares it, by name (exports show names)."""
    entries = list(entries)
    index = {e.code.upper(): e for e in entries}
    names: dict[str, list[Any]] = {}
    for entry in entries:
        names.setdefault(entry.name.strip().upper(), []).append(entry)
    for name, found in names.items():
        if len(found) == 1:
            index.setdefault(name, found[0])
    return index


def plain(raw: Any) -> str:
    """A cell as text: numbers without a spurious .0, our export's quote escape undone."""
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat() if raw.time() == dt.time() else raw.isoformat(sep=" ")
    if isinstance(raw, dt.date | dt.time):
        return raw.isoformat()
    text = str(raw)
    if len(text) > 1 and text[0] == "'" and text[1] in ESCAPED:
        text = text[1:]
    if "\x00" in text:
        raise CellError("NUL characters are not allowed.")
    return text.strip()


def convert(column: C.Column, raw: Any, lookups: Lookups) -> Any:
    """The value of one cell for ``column``; raises :class:`CellError` with the reason."""
    if isinstance(raw, Formula):
        raise CellError("Formulas are not accepted; paste the values instead.")
    text = plain(raw)
    reader = READERS[column.kind]
    return reader(column, raw, text, lookups)


def _text(column: C.Column, raw: Any, text: str, lookups: Lookups) -> str:
    if column.max_length and len(text) > column.max_length:
        raise CellError(f"At most {column.max_length} characters (this has {len(text)}).")
    return text


def _ref(column: C.Column, raw: Any, text: str, lookups: Lookups) -> str | None:
    if not text:
        return None
    if not REF_RE.fullmatch(text):
        raise CellError(
            "Use a reference like A-0042: letters, digits and - . _ /, at most 20 characters."
        )
    existing = lookups.records.get(text.upper())
    if existing:
        return existing[1]
    prefix = C.REF_PREFIX[lookups.kind]
    match = re.fullmatch(rf"{prefix}-(\d+)", text, flags=re.IGNORECASE)
    return f"{prefix}-{match.group(1)}" if match else text


def _enum(column: C.Column, raw: Any, text: str, lookups: Lookups) -> Any:
    choices = column.choices
    if not text:
        return "" if column.field == "treatment" else MISSING
    wanted = _key(text)
    for value, label in choices.choices:
        if wanted in (_key(value), _key(label), _key(label.split(" (")[0])):
            return value
    raise CellError(f"Use one of: {', '.join(choices.values)}.")


def _key(text: str) -> str:
    return re.sub(r"[\s_-]+", "_", text.strip().lower())


def _int(raw: Any, text: str) -> int:
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        if float(raw).is_integer():
            return int(raw)
        raise ValueError(text)
    return int(text)


def _cia(column: C.Column, raw: Any, text: str, lookups: Lookups) -> Any:
    if not text:
        return MISSING
    try:
        value = _int(raw, text)
    except ValueError:
        value = 0
    if not 1 <= value <= 5:
        raise CellError("Use a whole number from 1 to 5.")
    return value


def _score(column: C.Column, raw: Any, text: str, lookups: Lookups) -> int | None:
    if not text:
        return None
    axis = "likelihood" if column.field.endswith("likelihood") else "impact"
    size = len(getattr(lookups.method, axis))
    try:
        value = _int(raw, text)
    except ValueError:
        value = 0
    if not 1 <= value <= size:
        raise CellError(f"Use a whole number from 1 to {size} (the risk method's {axis} scale).")
    return value


def _user(column: C.Column, raw: Any, text: str, lookups: Lookups) -> Any:
    if not text:
        return None
    role_allowed = lookups.kind == C.ASSETS and column.field == "owner"
    return lookups.person(text, role_allowed=role_allowed)


def _classification(column: C.Column, raw: Any, text: str, lookups: Lookups) -> Any:
    if not text:
        return None
    found = lookups.classifications.get(text.lower())
    if found is None:
        names = ", ".join(c.name for c in lookups.classifications.values())
        raise CellError(f"Unknown classification “{text}”; use one of: {names}.")
    return found


def _tags(column: C.Column, raw: Any, text: str, lookups: Lookups) -> list[str]:
    tags = sorted({t.strip() for t in text.split(",") if t.strip()})
    long = [t for t in tags if len(t) > 40]
    if long:
        raise CellError(f"Tags are at most 40 characters: {long[0][:40]}…")
    return tags


def _asset_refs(column: C.Column, raw: Any, text: str, lookups: Lookups) -> list[str]:
    refs, unknown = set(), []
    for token in _tokens(text):
        known = lookups.assets.get(token.upper())
        if known:
            refs.add(known[1])
        elif lookups.kind == C.ASSETS and token.upper() in lookups.file_refs:
            refs.add(lookups.file_refs[token.upper()])
        else:
            unknown.append(token)
    if unknown:
        raise CellError(f"Unknown asset ref(s): {', '.join(unknown)}.")
    return sorted(refs)


def _library(column: C.Column, raw: Any, text: str, lookups: Lookups) -> Any:
    if not text:
        return None
    table = lookups.threats if column.kind == C.THREAT else lookups.vulnerabilities
    found = table.get(text.upper())
    if found is None:
        raise CellError(
            f"Unknown {column.field} “{text}”: use a code or name from Threats & vulnerabilities."
        )
    return found


def _controls(column: C.Column, raw: Any, text: str, lookups: Lookups) -> list[str]:
    refs, unknown = set(), []
    for token in _tokens(text):
        key = token.upper() if token.upper().startswith("A.") else f"A.{token}".upper()
        if key in lookups.controls:
            refs.add(lookups.controls[key])
        else:
            unknown.append(token)
    if unknown:
        raise CellError(f"Not Annex A controls of ISO/IEC 27001:2022: {', '.join(unknown)}.")
    return sorted(refs, key=lambda r: lookups.control_order.get(r, 0))


def _date(column: C.Column, raw: Any, text: str, lookups: Lookups) -> dt.date | None:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if not text:
        return None
    if DATE_RE.fullmatch(text):
        try:
            return dt.date.fromisoformat(text[:10])
        except ValueError:
            pass
    raise CellError("Use a date like 2026-03-31 (YYYY-MM-DD).")


DATETIME_RE = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}):(\d{2})(?::\d{2})?)?\s*(?:UTC|Z)?")


def _datetime(column: C.Column, raw: Any, text: str, lookups: Lookups) -> dt.datetime | None:
    """A moment in UTC: "2026-12-07 14:05 UTC" as exports write it, or a bare day."""
    if isinstance(raw, dt.datetime):
        return raw.replace(tzinfo=dt.UTC) if raw.tzinfo is None else raw.astimezone(dt.UTC)
    if isinstance(raw, dt.date):
        return dt.datetime(raw.year, raw.month, raw.day, tzinfo=dt.UTC)
    if not text:
        return None
    match = DATETIME_RE.fullmatch(text)
    if match:
        try:
            day = dt.date.fromisoformat(match.group(1))
            hour, minute = int(match.group(2) or 0), int(match.group(3) or 0)
            return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=dt.UTC)
        except ValueError:
            pass
    raise CellError("Use a date like 2026-03-31, or 2026-03-31 14:05 UTC.")


def _tokens(text: str) -> Iterable[str]:
    return [t for t in SPLIT_RE.split(text) if t]


READERS = {
    C.TEXT: _text,
    C.REF: _ref,
    C.ENUM: _enum,
    C.CIA: _cia,
    C.SCORE: _score,
    C.USER: _user,
    C.CLASSIFICATION: _classification,
    C.TAGS: _tags,
    C.ASSET_REFS: _asset_refs,
    C.THREAT: _library,
    C.VULNERABILITY: _library,
    C.CONTROLS: _controls,
    C.DATE: _date,
    C.DATETIME: _datetime,
}
