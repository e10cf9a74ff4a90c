"""Importing the asset inventory or the risk register from a spreadsheet: every row or none.

1. Headers are matched to our columns (case and spaces do not matter), or through a mapping.
2. Every cell is read against references loaded in bulk (:mod:`.resolve`); cross-row rules
   follow (duplicate refs, clashing names, required values).
3. Inside one transaction every clean row goes through the services (``create_asset``,
   ``update_risk``…), which validate further and write the audit trail. A dry run, or any error
   at all, rolls the whole transaction back, so a dry run reports exactly what an import would
   do and a failed import leaves nothing behind.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch

from openisms.core.context import require_org
from openisms.core.models.sequence import next_number, reserve_at_least
from openisms.leadership.models import IsmsRole
from openisms.people.identity import vouch
from openisms.people.services.staff import create_person
from openisms.risk.io import columns as C
from openisms.risk.io.reader import Table
from openisms.risk.io.report import Report
from openisms.risk.io.resolve import CREATE, MISSING, CellError, Lookups, NewOwner, convert
from openisms.risk.models import Asset, Risk, RiskStatus
from openisms.risk.services.assets import create_asset, update_asset
from openisms.risk.services.risks import create_risk, record_imported_acceptance, update_risk

NAME_FIELD = {C.ASSETS: "name", C.RISKS: "title"}
Progress = Callable[[int, int], None]  # (rows written so far, rows in all)
NOUN = {C.ASSETS: "asset", C.RISKS: "risk"}
OWNERS = "owners:"  # mapping keys that say what to do with an owner name nobody has
FOREIGN_KEYS = ("owner", "owner_role", "custodian", "classification", "threat", "vulnerability")


@dataclass
class Planned:
    row: int
    ref: str | None = None
    existing: Any = None
    values: dict[str, Any] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)  # what the service is given
    deps: list[str] | None = None  # depends_on refs to set once every row exists
    failed: set[str] = field(default_factory=set)  # fields whose cell was refused
    bad: bool = False
    obj: Any = None
    # The file says "accepted" for a risk not accepted here: recorded as an imported acceptance.
    acceptance: dict[str, Any] | None = None


def run_import(
    kind: str,
    table: Table,
    *,
    mapping: dict[str, str] | None = None,
    dry_run: bool = True,
    progress: Progress | None = None,
) -> Report:
    """Check (and unless ``dry_run``, write) ``table`` in the current organisation.

    ``progress`` is told how far the row-by-row phase (the services, which is where the time
    goes) has got, every 2 % of the rows and at most every 100 rows.
    """
    report = Report(kind=kind, dry_run=dry_run, rows=len(table.rows), headers=table.headers)
    cols = resolve_headers(kind, table.headers, mapping or {}, report)
    if report.errors:  # rows cannot be read sensibly until every column is known
        return report
    choices = owner_choices_from(mapping or {})
    with transaction.atomic():
        # Looking owners up may give members their person: a dry run keeps nothing of that.
        lookups = Lookups(kind, choices)
        plans = _plan(kind, table, cols, lookups, report)
        to_create = _unknown_owners(lookups, choices, report)
        _execute(kind, plans, cols, lookups, report, dry_run, progress, to_create)
        if dry_run or report.errors:
            transaction.set_rollback(True)
    report.sort({h: i for i, h in enumerate(table.headers)})
    return report


def owner_choices_from(mapping: dict[str, str]) -> dict[str, str]:
    """The ``owners:<name>`` entries of a mapping: "create", or the id of the person who stands
    for that name (``owners:*`` = "create" creates every unknown owner)."""
    return {
        k[len(OWNERS) :].strip().lower(): str(v)
        for k, v in mapping.items()
        if str(k).startswith(OWNERS)
    }


def _unknown_owners(lookups: Lookups, choices: dict[str, str], report: Report) -> list[str]:
    """Owner names nobody has: to create (listed in ``report.new_owners``), or listed ONCE as
    the one problem to settle (``report.unknown_owners``), not once per row."""
    create_all = choices.get("*") == CREATE
    to_create, unresolved = [], []
    for key, name in lookups.unknown.items():
        (to_create if create_all or choices.get(key) == CREATE else unresolved).append(name)
    report.new_owners = to_create
    report.unknown_owners = unresolved
    if unresolved:
        report.add(
            0, "",
            f"{len(unresolved)} owner name(s) match nobody in the people register: "
            f"{', '.join(unresolved)}. Create them as people (--create-missing-owners) or map "
            "each to a person.",
        )  # fmt: skip
    return to_create


def resolve_headers(
    kind: str, headers: list[str], mapping: dict[str, str], report: Report
) -> list[C.Column | None]:
    """Our column for each of their headers (None: not read); problems go to ``report``."""
    by_field = {c.field: c for c in C.columns(kind)}
    mapping = {C.header_key(k): v for k, v in mapping.items()}
    result: list[C.Column | None] = []
    taken: dict[str, str] = {}
    for header in headers:
        key = C.header_key(header)
        name: str | None
        if not header:
            name = None
        elif header.startswith("="):
            report.add(1, header, "Formulas are not accepted in the header row.")
            name = None
        elif key in mapping:
            name = mapping[key]
            report.mapping[key] = name
            if name == C.IGNORE:
                name = None
            elif name not in by_field or not by_field[name].importable:
                report.add(1, header, f"Mapped to “{name}”, which is not a column we import.")
                name = None
        else:
            name = C.field_for_header(kind, header)
            if name is None:
                report.unmapped.append(header)
                report.add(
                    1, header,
                    "Unknown column: map it to one of our columns or ignore it. Known columns: "
                    + ", ".join(C.importable_fields(kind)) + ".",
                )  # fmt: skip
            elif not by_field[name].importable:
                name = None  # computed on export (the levels): ignored on import
        if name and name in taken:
            report.add(1, header, f"“{taken[name]}” already gives {name}; keep one of them.")
            name = None
        if name:
            taken[name] = header
        result.append(by_field[name] if name else None)
    return result


def _plan(
    kind: str, table: Table, cols: list[C.Column | None], lookups: Lookups, report: Report
) -> list[Planned]:
    headers = table.headers
    ref_at = next((i for i, c in enumerate(cols) if c and c.field == "ref"), None)
    plans = [Planned(row.number) for row in table.rows]
    first_seen: dict[str, int] = {}
    for plan, row in zip(plans, table.rows, strict=True):
        if ref_at is None:
            continue
        try:
            plan.ref = convert(cols[ref_at], row.cells[ref_at], lookups)
        except CellError as exc:
            report.add(plan.row, headers[ref_at], str(exc))
            plan.bad = True
            continue
        if plan.ref:
            key = plan.ref.upper()
            if key in first_seen:
                report.add(
                    plan.row, headers[ref_at], f"{plan.ref} is also on row {first_seen[key]}."
                )
                plan.bad = True
            first_seen.setdefault(key, plan.row)
            lookups.file_refs[key] = plan.ref
    for plan, row in zip(plans, table.rows, strict=True):
        if row.stray:
            report.add(plan.row, "", "Values to the right of the last header: name the column.")
            plan.bad = True
        for i, (col, raw) in enumerate(zip(cols, row.cells, strict=True)):
            if col is None:
                if not headers[i] and raw not in (None, ""):
                    report.add(plan.row, "", f"Values in column {i + 1}, which has no header.")
                    plan.bad = True
                continue
            if col.field == "ref":
                continue
            try:
                plan.values[col.field] = value = convert(col, raw, lookups)
                if isinstance(value, IsmsRole):  # a role stands as the asset's owner
                    plan.values["owner"], plan.values["owner_role"] = None, value
                elif col.field == "owner" and kind == C.ASSETS and value is not None:
                    plan.values["owner_role"] = None
            except CellError as exc:
                report.add(plan.row, headers[i], str(exc))
                plan.failed.add(col.field)
                plan.bad = True
    _attach_existing(kind, plans, lookups)
    header_of = {c.field: headers[i] for i, c in enumerate(cols) if c}
    _check_names(kind, plans, lookups, report, header_of)
    if kind == C.RISKS:
        _check_acceptance(plans, report, header_of)
    for plan in plans:
        if not plan.bad:
            _diff(kind, plan, lookups)
            if plan.existing is None:
                report.created += 1
            elif plan.data or plan.deps is not None or _accepts(plan):
                report.updated += 1
            else:
                report.unchanged += 1
    return plans


def _attach_existing(kind: str, plans: list[Planned], lookups: Lookups) -> None:
    pks = [
        lookups.records[p.ref.upper()][0]
        for p in plans
        if p.ref and p.ref.upper() in lookups.records
    ]
    if not pks:
        return
    if kind == C.ASSETS:
        qs = Asset.objects.filter(pk__in=pks).prefetch_related(
            Prefetch("depends_on", queryset=Asset.objects.only("id", "ref"))
        )
    else:
        qs = Risk.objects.filter(pk__in=pks).prefetch_related(
            Prefetch("assets", queryset=Asset.objects.only("id", "ref")), "controls"
        )
    by_ref = {obj.ref.upper(): obj for obj in qs}
    for plan in plans:
        if plan.ref:
            plan.existing = by_ref.get(plan.ref.upper())


def _check_names(
    kind: str, plans: list[Planned], lookups: Lookups, report: Report, header_of: dict[str, str]
) -> None:
    """Names (titles) must be given for new records and must not clash once imported."""
    name_field, noun = NAME_FIELD[kind], NOUN[kind]
    column = header_of.get(name_field, name_field)
    touched = {p.existing.pk for p in plans if p.existing is not None}
    final: dict[str, list[str]] = {}
    for pk, ref, name in lookups.records.values():
        if pk not in touched:
            final.setdefault(name.strip().lower(), []).append(ref)
    changing: list[tuple[Planned, str]] = []
    for plan in plans:
        if name_field in plan.failed:
            continue
        current = getattr(plan.existing, name_field, None) if plan.existing else None
        new = plan.values.get(name_field)
        if plan.existing is None and not new:
            report.add(plan.row, column, f"Give every new {noun} a {name_field}.")
            plan.bad = True
            continue
        if new == "" and plan.existing is not None:
            report.add(plan.row, column, f"The {name_field} cannot be empty.")
            plan.bad = True
            continue
        name = new or current or ""
        final.setdefault(name.lower(), []).append(f"row {plan.row}")
        if current is None or name.lower() != current.strip().lower():
            changing.append((plan, name))
    for plan, name in changing:
        others = [o for o in final[name.lower()] if o != f"row {plan.row}"]
        if others:
            report.add(
                plan.row, column, f"Another {noun} is called “{name}” ({', '.join(others)})."
            )
            plan.bad = True


def _check_acceptance(plans: list[Planned], report: Report, header_of: dict[str, str]) -> None:
    """A risk the file calls accepted comes in accepted, as an *imported* acceptance.

    Who accepted it and when are text from the file (the person need not use this install), so
    the risk is flagged for re-confirmation until an authorised role accepts it here. The
    acceptance columns of rows that are not accepted are ignored, as is the acceptance of a risk
    already accepted here (that sign-off stands).
    """
    for plan in plans:
        given = {f: plan.values.pop(f) for f in C.ACCEPTANCE_FIELDS if f in plan.values}
        if plan.values.get("status") != RiskStatus.ACCEPTED:
            continue
        current = plan.existing.status if plan.existing is not None else None
        if current != RiskStatus.ACCEPTED:
            # The services refuse "accepted" as a plain status; the acceptance is recorded
            # after the risk is written.
            del plan.values["status"]
        residual = plan.values.get(
            "residual_likelihood", getattr(plan.existing, "residual_likelihood", None)
        )
        if residual is None and "residual_likelihood" not in plan.failed:
            report.add(
                plan.row,
                header_of.get("status", "status"),
                "An accepted risk needs its residual likelihood and impact: the acceptance "
                "covers the residual risk.",
            )
            plan.bad = True
            continue
        plan.acceptance = {
            "by": given.get("accepted_by") or "",
            "role": given.get("accepted_role") or "",
            "at": given.get("accepted_at"),
            "comment": given.get("acceptance_comment") or "",
        }


def _accepts(plan: Planned) -> bool:
    """The row turns a risk that is not accepted here into an (imported) accepted one."""
    return plan.acceptance is not None and plan.existing.status != RiskStatus.ACCEPTED


def _diff(kind: str, plan: Planned, lookups: Lookups) -> None:
    """What the service must be given: everything for a new record, changes for an old one."""
    obj = plan.existing
    for name, value in plan.values.items():
        if value is MISSING:
            continue
        if name in FOREIGN_KEYS:
            if (
                obj is None
                or isinstance(value, NewOwner)
                or getattr(value, "pk", None) != getattr(obj, f"{name}_id")
            ):
                plan.data[name] = value
        elif name in ("depends_on", "assets", "controls"):
            current = sorted(x.ref for x in getattr(obj, name).all()) if obj else []
            if sorted(value) == current:
                continue
            if name == "depends_on":
                plan.deps = value
            elif name == "assets":
                plan.data[name] = [lookups.assets[r.upper()][0] for r in value]
            else:
                plan.data[name] = value
        elif obj is None or not _same(getattr(obj, name), value):
            plan.data[name] = value


def _same(current: Any, new: Any) -> bool:
    if isinstance(current, str) and isinstance(new, str):
        # Browsers send CRLF, spreadsheets (XML) give LF back: the same text all the same.
        return current.replace("\r\n", "\n") == new.replace("\r\n", "\n")
    return current == new


def _execute(
    kind: str,
    plans: list[Planned],
    cols: list[C.Column | None],
    lookups: Lookups,
    report: Report,
    dry_run: bool,
    progress: Progress | None = None,
    to_create: list[str] | None = None,
) -> None:
    header_of = {c.field: h for c, h in zip(cols, report.headers, strict=True) if c}
    prefix = C.REF_PREFIX[kind]
    numbers = [
        int(m.group(1))
        for p in plans
        if p.ref and p.existing is None and (m := re.fullmatch(rf"{prefix}-(\d+)", p.ref))
    ]
    with transaction.atomic():
        org = require_org()
        if numbers:
            # Refs allocated later (rows without a ref, later records) come after imported ones.
            reserve_at_least(org, prefix, max(numbers))
        fresh = [p for p in plans if not p.bad and p.existing is None and not p.ref]
        if fresh:
            # One block of refs for every new row without one: two queries instead of a
            # locked counter round trip per row.
            first = next_number(org, prefix)
            reserve_at_least(org, prefix, first + len(fresh) - 1)
            for number, plan in enumerate(fresh, start=first):
                plan.ref = f"{prefix}-{number:04d}"
        _create_owners(plans, to_create or [])
        available = {key: rec[0] for key, rec in lookups.assets.items()}
        total, step = len(plans), max(1, min(100, len(plans) // 50))
        for index, plan in enumerate(plans):
            if progress is not None and index % step == 0:
                progress(index, total)
            if plan.bad:
                continue
            if plan.deps is not None and all(r.upper() in available for r in plan.deps):
                plan.data["depends_on"] = [available[r.upper()] for r in plan.deps]
                plan.deps = None
            try:
                plan.obj = _write(kind, plan)
            except (ValidationError, IntegrityError) as exc:
                _service_errors(report, plan.row, exc, header_of)
                plan.bad = True
                continue
            if kind == C.ASSETS:
                available[plan.obj.ref.upper()] = plan.obj.pk
        for plan in plans:  # dependencies on assets that appear further down the file
            if plan.bad or plan.deps is None:
                continue
            missing = [r for r in plan.deps if r.upper() not in available]
            if missing:
                column = header_of.get("depends_on", "depends_on")
                report.add(plan.row, column, f"Depends on rows that failed: {', '.join(missing)}.")
                continue
            try:
                update_asset(plan.obj, {"depends_on": [available[r.upper()] for r in plan.deps]})
            except ValidationError as exc:
                _service_errors(report, plan.row, exc, header_of)
        if progress is not None:
            progress(total, total)
        if dry_run or report.errors:
            transaction.set_rollback(True)
        else:
            report.done = True


def _create_owners(plans: list[Planned], names: list[str]) -> None:
    """Create each missing owner once, as a person without a login, and put them in the rows
    (names left unresolved are already the report's one problem: the rows go without them)."""
    created = {n.lower(): vouch(create_person({"full_name": n})) for n in names}
    for plan in plans:
        for name in ("owner", "custodian"):
            value = plan.data.get(name)
            if isinstance(value, NewOwner):
                plan.data[name] = created.get(value.name.lower())


def _write(kind: str, plan: Planned) -> Any:
    if kind == C.ASSETS:
        if plan.existing is None:
            return create_asset(plan.data, ref=plan.ref)
        return update_asset(plan.existing, plan.data) if plan.data else plan.existing
    if plan.existing is None:
        risk = create_risk(plan.data, ref=plan.ref)
    else:
        risk = update_risk(plan.existing, plan.data) if plan.data else plan.existing
    if plan.acceptance is not None and risk.status != RiskStatus.ACCEPTED:
        # Also when the row's new scores withdrew an acceptance given here: the file says
        # the risk is accepted, so it is, as an imported acceptance to re-confirm.
        record_imported_acceptance(risk, **plan.acceptance)
    return risk


def _service_errors(report: Report, row: int, exc: Exception, header_of: dict[str, str]) -> None:
    if isinstance(exc, IntegrityError):
        report.add(row, header_of.get("ref", "ref"), "This ref is already taken.")
    elif hasattr(exc, "error_dict"):
        for name, messages in exc.message_dict.items():
            column = "" if name == NON_FIELD_ERRORS else header_of.get(name, name)
            for message in messages:
                report.add(row, column, message)
    else:
        for message in exc.messages:
            report.add(row, "", message)
