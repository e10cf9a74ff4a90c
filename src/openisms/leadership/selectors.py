"""Reads of the leadership module: roles, the RACI matrix and its checks, commitments, and the
competence gaps of role holders (7.2). Every function runs a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone

from openisms.leadership.models import Commitment, IsmsProcess, IsmsRole, Raci, RaciAssignment
from openisms.people.models import Competence, Person, PersonCompetence
from openisms.people.selectors import held_competences

# --- roles --------------------------------------------------------------------------------


def roles() -> QuerySet[IsmsRole]:
    return IsmsRole.objects.annotate(n_holders=Count("holders", distinct=True)).order_by(
        "order", "name"
    )


def holder_names(role_ids: Iterable[Any] | None = None) -> dict[Any, list[Person]]:
    """Role id → its holders (active first, by name), all roles in one query."""
    through = IsmsRole.holders.through
    qs = through.objects.select_related("person").order_by(
        "-person__is_active", "person__full_name"
    )
    if role_ids is not None:
        qs = qs.filter(ismsrole_id__in=list(role_ids))
    else:
        qs = qs.filter(ismsrole__in=IsmsRole.objects.all())
    found: dict[Any, list[Person]] = defaultdict(list)
    for row in qs:
        found[row.ismsrole_id].append(row.person)
    return found


def role_competences(role_ids: Iterable[Any] | None = None) -> dict[Any, list[Competence]]:
    through = IsmsRole.required_competences.through
    qs = through.objects.select_related("competence").order_by("competence__name")
    if role_ids is not None:
        qs = qs.filter(ismsrole_id__in=list(role_ids))
    else:
        qs = qs.filter(ismsrole__in=IsmsRole.objects.all())
    found: dict[Any, list[Competence]] = defaultdict(list)
    for row in qs:
        found[row.ismsrole_id].append(row.competence)
    return found


def person_search(q: str, limit: int = 20) -> list[Person]:
    """Active staff matching words of a name, e-mail, job title or department."""
    qs = Person.objects.filter(is_active=True)
    for word in (q or "").split()[:5]:
        qs = qs.filter(
            Q(full_name__icontains=word)
            | Q(email__icontains=word)
            | Q(job_title__icontains=word)
            | Q(department__icontains=word)
        )
    return list(qs.order_by("full_name")[:limit])


# --- RACI ---------------------------------------------------------------------------------


@dataclass
class MatrixRow:
    process: IsmsProcess
    cells: list[tuple[IsmsRole, str]]
    problems: list[str] = field(default_factory=list)


def check_process(letters: list[str]) -> list[str]:
    """What is wrong with one process's row: exactly one A and at least one R are expected."""
    problems = []
    accountable = letters.count(Raci.ACCOUNTABLE)
    if accountable == 0:
        problems.append("nobody is accountable (A)")
    elif accountable > 1:
        problems.append(f"{accountable} roles are accountable (A); keep one")
    if Raci.RESPONSIBLE not in letters:
        problems.append("nobody is responsible (R)")
    return problems


def raci_matrix() -> dict[str, Any]:
    """Processes × roles with their letters and the rows that break the RACI rules (3 queries)."""
    processes = list(IsmsProcess.objects.order_by("order", "name"))
    role_list = list(IsmsRole.objects.order_by("order", "name"))
    letters = {
        (p, r): letter
        for p, r, letter in RaciAssignment.objects.values_list("process_id", "role_id", "letter")
    }
    rows = []
    for process in processes:
        cells = [(role, letters.get((process.pk, role.pk), "")) for role in role_list]
        rows.append(MatrixRow(process, cells, check_process([x for _, x in cells if x])))
    return {
        "processes": processes,
        "roles": role_list,
        "rows": rows,
        "letters": letters,
        "warnings": [row for row in rows if row.problems],
    }


def role_raci(role: IsmsRole) -> list[RaciAssignment]:
    return list(
        RaciAssignment.objects.filter(role=role)
        .select_related("process")
        .order_by("process__order", "process__name")
    )


# --- commitments --------------------------------------------------------------------------


def commitments(filters: dict[str, str] | None = None) -> QuerySet[Commitment]:
    f = {k: (v or "").strip() for k, v in (filters or {}).items()}
    qs = Commitment.objects.select_related("recorded_by")
    if f.get("kind"):
        qs = qs.filter(kind=f["kind"])
    if f.get("year"):
        try:
            qs = qs.filter(date__year=int(f["year"]))
        except ValueError:
            return qs.none()
    if f.get("q"):
        qs = qs.filter(
            Q(title__icontains=f["q"])
            | Q(description__icontains=f["q"])
            | Q(decided_by__icontains=f["q"])
        )
    return qs.order_by("-date", "-created_at")


def commitment_totals(qs: QuerySet[Commitment]) -> dict[str, Decimal]:
    totals = qs.order_by().aggregate(amount=Sum("amount"), effort_days=Sum("effort_days"))
    return {k: v or Decimal("0") for k, v in totals.items()}


def commitment_years() -> list[int]:
    return sorted(
        Commitment.objects.order_by()
        .annotate(y=ExtractYear("date"))
        .values_list("y", flat=True)
        .distinct(),
        reverse=True,
    )


# --- competence (7.2) ---------------------------------------------------------------------


def lapsed_evidence(person_ids: list[Any]) -> dict[Any, dict[Any, dt.date]]:
    """{person_id: {competence_id: expired_on}} for recorded evidence that has run out."""
    found: dict[Any, dict[Any, dt.date]] = defaultdict(dict)
    if not person_ids:
        return found
    rows = PersonCompetence.objects.filter(
        person_id__in=person_ids, expires_on__lt=timezone.localdate()
    ).values_list("person_id", "competence_id", "expires_on")
    for person_id, competence_id, expires_on in rows:
        found[person_id][competence_id] = expires_on
    return found


@dataclass
class GapCell:
    competence: Competence
    status: str  # "held", "expired" or "missing"
    source: str = ""  # how it is held: "record" (recorded evidence) or "course" (passed)
    detail: str = ""  # e.g. "course Secure coding (passed 3 Mar 2025)"
    expired_on: dt.date | None = None


@dataclass
class GapRow:
    person: Person
    cells: list[GapCell]

    @property
    def missing(self) -> int:
        return sum(1 for c in self.cells if c.status != "held")


@dataclass
class RoleGaps:
    role: IsmsRole
    competences: list[Competence]
    rows: list[GapRow]

    @property
    def gaps(self) -> int:
        return sum(r.missing for r in self.rows)

    @property
    def people_with_gaps(self) -> int:
        return sum(1 for r in self.rows if r.missing)


def competence_gaps(role_id: Any = None) -> list[RoleGaps]:
    """Per role: each active holder against each required competence (five queries)."""
    role_qs = IsmsRole.objects.order_by("order", "name")
    if role_id:
        role_qs = role_qs.filter(pk=role_id)
    role_list = list(role_qs)
    ids = [r.pk for r in role_list]
    required = role_competences(ids)
    through = IsmsRole.holders.through
    holders: dict[Any, list[Person]] = defaultdict(list)
    for row in (
        through.objects.filter(ismsrole_id__in=ids, person__is_active=True)
        .select_related("person")
        .order_by("person__full_name")
    ):
        holders[row.ismsrole_id].append(row.person)
    person_ids = list(
        {p.pk for role_id, people in holders.items() if required.get(role_id) for p in people}
    )
    # The people module decides what "held" means (recorded evidence not expired, passed
    # courses still valid); expired evidence is looked up here only to say so on the page.
    held = held_competences(person_ids)
    lapsed = lapsed_evidence(person_ids)
    result = []
    for role in role_list:
        competences = required.get(role.pk, [])
        rows = []
        for person in holders.get(role.pk, []):
            mine, gone = held.get(person.pk, {}), lapsed.get(person.pk, {})
            cells = []
            for c in competences:
                if c.pk in mine:
                    source = mine[c.pk]
                    cells.append(GapCell(c, "held", source.kind, str(source)))
                elif c.pk in gone:
                    cells.append(GapCell(c, "expired", expired_on=gone[c.pk]))
                else:
                    cells.append(GapCell(c, "missing"))
            rows.append(GapRow(person, cells))
        result.append(RoleGaps(role, competences, rows))
    return result
