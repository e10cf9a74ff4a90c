"""Load the frameworks and mappings shipped in ``catalogue/data`` into the database.

Idempotent: rows are matched by (framework, ref) and updated in place, rows that vanished from
the data are removed, and a second run with the same data changes nothing.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from openisms.catalogue.models import Framework, Kind, Mapping, Requirement

DATA_DIR = Path(__file__).parent / "data"
ATTRIBUTE_COLUMNS = (
    "control_type",
    "information_security_properties",
    "cybersecurity_concepts",
    "operational_capabilities",
    "security_domains",
)


@dataclass
class LoadReport:
    frameworks: int = 0
    created: int = 0
    updated: int = 0
    removed: int = 0
    mappings: int = 0
    details: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.removed)


def _read_csv(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _read_guidance(folder: Path) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for path in sorted((folder / "guidance").glob("*.json")):
        merged.update(json.loads(path.read_text(encoding="utf-8")))
    return merged


def _tags(attributes: dict[str, list[str]]) -> str:
    tokens = [f"{name}={value}" for name, values in attributes.items() for value in values]
    return "|" + "|".join(tokens) + "|" if tokens else ""


def framework_rows(folder: Path) -> list[dict[str, Any]]:
    """The requirement rows of one framework folder, in catalogue order."""
    guidance = _read_guidance(folder)
    rows: list[dict[str, Any]] = []
    for row in _read_csv(folder / "clauses.csv"):
        rows.append(
            {
                "ref": row["ref"],
                "title": row["title"],
                "kind": Kind.CLAUSE,
                "parent": row.get("parent") or None,
                "level": row["ref"].count("."),
                "theme": "",
                "attributes": {},
            }
        )
    for row in _read_csv(folder / "controls.csv"):
        attributes = {
            col: [v for v in row[col].split(";") if v] for col in ATTRIBUTE_COLUMNS if row.get(col)
        }
        rows.append(
            {
                "ref": row["ref"],
                "title": row["title"],
                "kind": Kind.CONTROL,
                "parent": None,
                "level": 0,
                "theme": row.get("theme", ""),
                "attributes": attributes,
            }
        )
    for order, row in enumerate(rows, start=1):
        row["order"] = order
        row["guidance"] = guidance.get(row["ref"], {})
    return rows


def _search_text(row: dict[str, Any]) -> str:
    g = row["guidance"]
    parts = [row["ref"], row["title"], row["theme"], g.get("summary", "")]
    parts += g.get("evidence", []) + g.get("pitfalls", [])
    return " ".join(parts).lower()


@transaction.atomic
def load_framework(folder: Path, report: LoadReport) -> Framework:
    meta = json.loads((folder / "framework.json").read_text(encoding="utf-8"))
    framework, _ = Framework.objects.get_or_create(
        slug=meta["slug"], defaults={"name": meta["name"]}
    )
    for attr in ("name", "edition", "publisher", "description", "themes", "data_version"):
        if getattr(framework, attr) != meta.get(attr, getattr(framework, attr)):
            setattr(framework, attr, meta[attr])
            framework.save()
    existing = {r.ref: r for r in framework.requirements.all()}
    by_ref: dict[str, Requirement] = {}
    rows = framework_rows(folder)
    for row in rows:
        values = {
            "title": row["title"],
            "kind": row["kind"],
            "level": row["level"],
            "theme": row["theme"],
            "attributes": row["attributes"],
            "attribute_tags": _tags(row["attributes"]),
            "guidance": row["guidance"],
            "search_text": _search_text(row),
            "order": row["order"],
            "parent_id": by_ref[row["parent"]].pk if row["parent"] else None,
        }
        req = existing.pop(row["ref"], None)
        if req is None:
            req = Requirement.objects.create(framework=framework, ref=row["ref"], **values)
            report.created += 1
        elif any(getattr(req, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(req, k, v)
            req.save()
            report.updated += 1
        by_ref[row["ref"]] = req
    if existing:
        report.removed += len(existing)
        report.details.append(f"{framework.slug}: removed {', '.join(sorted(existing))}")
        Requirement.objects.filter(pk__in=[r.pk for r in existing.values()]).delete()
    report.frameworks += 1
    return framework


@transaction.atomic
def load_mappings(path: Path, report: LoadReport) -> None:
    source_slug, target_slug = path.stem.split("__")
    refs = {
        (r.framework.slug, r.ref): r
        for r in Requirement.objects.select_related("framework").filter(
            framework__slug__in=[source_slug, target_slug]
        )
    }
    wanted = {}
    for row in _read_csv(path):
        src = refs[(source_slug, row["source_ref"])]
        tgt = refs[(target_slug, row["target_ref"])]
        wanted[(src.pk, tgt.pk)] = row["relationship"]
    current = {
        (m.source_id, m.target_id): m
        for m in Mapping.objects.filter(
            source__framework__slug=source_slug, target__framework__slug=target_slug
        )
    }
    for key, relationship in wanted.items():
        mapping = current.pop(key, None)
        if mapping is None:
            Mapping.objects.create(source_id=key[0], target_id=key[1], relationship=relationship)
            report.created += 1
        elif mapping.relationship != relationship:
            mapping.relationship = relationship
            mapping.save()
            report.updated += 1
    if current:
        report.removed += len(current)
        Mapping.objects.filter(pk__in=[m.pk for m in current.values()]).delete()
    report.mappings += len(wanted)


def load_all(data_dir: Path = DATA_DIR) -> LoadReport:
    report = LoadReport()
    for folder in sorted(p for p in data_dir.iterdir() if (p / "framework.json").exists()):
        load_framework(folder, report)
    for path in sorted((data_dir / "mappings").glob("*__*.csv")):
        load_mappings(path, report)
    return report
