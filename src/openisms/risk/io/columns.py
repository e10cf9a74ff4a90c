"""The spreadsheet columns of each kind. An import accepts exactly the columns an export writes,
so whatever OpenISMS exports can be edited in a spreadsheet and imported again."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import models

from openisms.risk.models import AssetType, Lifecycle, RiskKind, RiskStatus, Treatment

ASSETS, RISKS, PLAN = "assets", "risks", "treatment-plan"
IMPORT_KINDS = (ASSETS, RISKS)
EXPORT_KINDS = (ASSETS, RISKS, PLAN)
FORMATS = ("xlsx", "csv")
IGNORE = "ignore"  # a mapping target: drop this column of their sheet

# How a column is read on import (and shown in the mapping step).
TEXT, REF, ENUM, CIA, SCORE, USER, CLASSIFICATION = (
    "text", "ref", "enum", "cia", "score", "user", "classification"
)  # fmt: skip
TAGS, ASSET_REFS, THREAT, VULNERABILITY, CONTROLS, DATE, COMPUTED = (
    "tags", "asset_refs", "threat", "vulnerability", "controls", "date", "computed"
)  # fmt: skip


@dataclass(frozen=True)
class Column:
    field: str
    kind: str
    width: int = 14
    max_length: int | None = None
    choices: type[models.TextChoices] | None = None
    required: bool = False  # a new record needs a value

    @property
    def header(self) -> str:
        return self.field

    @property
    def importable(self) -> bool:
        return self.kind != COMPUTED


ASSET_COLUMNS: tuple[Column, ...] = (
    Column("ref", REF, 10),
    Column("name", TEXT, 34, 200, required=True),
    Column("type", ENUM, 12, choices=AssetType),
    Column("description", TEXT, 44),
    Column("owner", USER, 16),
    Column("custodian", USER, 16),
    Column("location", TEXT, 20, 200),
    Column("classification", CLASSIFICATION, 15),
    Column("confidentiality", CIA, 10),
    Column("integrity", CIA, 10),
    Column("availability", CIA, 10),
    Column("lifecycle", ENUM, 11, choices=Lifecycle),
    Column("tags", TAGS, 22),
    Column("depends_on", ASSET_REFS, 18),
)

RISK_COLUMNS: tuple[Column, ...] = (
    Column("ref", REF, 10),
    Column("kind", ENUM, 12, choices=RiskKind),
    Column("title", TEXT, 40, 200, required=True),
    Column("description", TEXT, 44),
    Column("assets", ASSET_REFS, 18),
    Column("threat", THREAT, 10),
    Column("vulnerability", VULNERABILITY, 12),
    Column("owner", USER, 16),
    Column("existing_controls", TEXT, 30),
    Column("inherent_likelihood", SCORE, 10),
    Column("inherent_impact", SCORE, 10),
    Column("inherent_level", COMPUTED, 12),
    Column("treatment", ENUM, 12, choices=Treatment),
    Column("treatment_rationale", TEXT, 30),
    Column("controls", CONTROLS, 20),
    Column("other_controls", TEXT, 24),
    Column("residual_likelihood", SCORE, 10),
    Column("residual_impact", SCORE, 10),
    Column("residual_level", COMPUTED, 12),
    Column("status", ENUM, 16, choices=RiskStatus),
    Column("next_review", DATE, 12),
)

PLAN_COLUMNS: tuple[Column, ...] = (
    Column("risk ref", TEXT, 10),
    Column("risk title", TEXT, 40),
    Column("action", TEXT, 40),
    Column("owner", TEXT, 16),
    Column("due date", DATE, 12),
    Column("status", TEXT, 12),
    Column("control", TEXT, 10),
    Column("overdue", TEXT, 9),
)

COLUMNS: dict[str, tuple[Column, ...]] = {
    ASSETS: ASSET_COLUMNS,
    RISKS: RISK_COLUMNS,
    PLAN: PLAN_COLUMNS,
}
REF_PREFIX = {ASSETS: "A", RISKS: "R"}
LABELS = {ASSETS: "assets", RISKS: "risks", PLAN: "treatment plan actions"}


def columns(kind: str) -> tuple[Column, ...]:
    return COLUMNS[kind]


def importable_fields(kind: str) -> list[str]:
    return [c.field for c in COLUMNS[kind] if c.importable]


def header_key(header: str) -> str:
    """How headers are compared: case, surrounding and repeated spaces do not matter."""
    return " ".join(str(header).split()).lower()


def field_for_header(kind: str, header: str) -> str | None:
    """Our field named by ``header`` ("Next review" and "next_review" both name next_review)."""
    key = re.sub(r"[\s-]+", "_", header_key(header))
    return next((c.field for c in COLUMNS[kind] if c.field == key), None)
