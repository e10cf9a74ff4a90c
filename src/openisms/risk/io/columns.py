"""The spreadsheet columns of each kind. An import accepts exactly the columns an export writes,
so whatever OpenISMS exports can be edited in a spreadsheet and imported again.

A column is named in files by its ``label`` ("Risk owner") where it has one, else by its field;
on import either spelling is recognised, so files written before the labels still import."""

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
DATETIME = "datetime"
# The acceptance columns of the register: read only for rows whose status is "accepted".
ACCEPTANCE_FIELDS = ("accepted_by", "accepted_role", "accepted_at", "acceptance_comment")


@dataclass(frozen=True)
class Column:
    field: str
    kind: str
    width: int = 14
    max_length: int | None = None
    choices: type[models.TextChoices] | None = None
    required: bool = False  # a new record needs a value
    label: str = ""  # the header files show; the field name when empty

    @property
    def header(self) -> str:
        return self.label or self.field

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
    Column("ref", REF, 10, label="Ref"),
    Column("kind", ENUM, 12, choices=RiskKind, label="Kind"),
    Column("title", TEXT, 40, 200, required=True, label="Title"),
    Column("description", TEXT, 44, label="Description"),
    Column("assets", ASSET_REFS, 18, label="Assets"),
    Column("threat", THREAT, 28, label="Threat"),
    Column("vulnerability", VULNERABILITY, 28, label="Vulnerability"),
    Column("owner", USER, 20, label="Risk owner"),
    Column("existing_controls", TEXT, 30, label="Existing controls"),
    Column("inherent_likelihood", SCORE, 11, label="Inherent likelihood"),
    Column("inherent_impact", SCORE, 11, label="Inherent impact"),
    Column("inherent_level", COMPUTED, 12, label="Inherent level"),
    Column("treatment", ENUM, 18, choices=Treatment, label="Treatment option"),
    Column("treatment_rationale", TEXT, 30, label="Treatment rationale"),
    Column("controls", CONTROLS, 20, label="Annex A controls"),
    Column("other_controls", TEXT, 24, label="Other controls"),
    Column("residual_likelihood", SCORE, 11, label="Residual likelihood"),
    Column("residual_impact", SCORE, 11, label="Residual impact"),
    Column("residual_level", COMPUTED, 12, label="Residual level"),
    Column("status", ENUM, 20, choices=RiskStatus, label="Status"),
    Column("next_review", DATE, 12, label="Next review"),
    Column("accepted_by", TEXT, 20, 200, label="Accepted by"),
    Column("accepted_role", TEXT, 20, 100, label="Acceptance role"),
    Column("accepted_at", DATETIME, 18, label="Accepted at"),
    Column("acceptance_comment", TEXT, 30, label="Acceptance comment"),
)

PLAN_COLUMNS: tuple[Column, ...] = (
    Column("risk ref", TEXT, 10, label="Risk ref"),
    Column("risk title", TEXT, 40, label="Risk title"),
    Column("risk owner", TEXT, 20, label="Risk owner"),
    Column("action", TEXT, 40, label="Action"),
    Column("action owner", TEXT, 20, label="Action owner"),
    Column("due date", DATE, 12, label="Due date"),
    Column("status", TEXT, 12, label="Status"),
    Column("control", TEXT, 36, label="Control"),
    Column("overdue", TEXT, 9, label="Overdue"),
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
    """Our field named by ``header``: its field ("next_review", "Next review") or its label
    ("Risk owner" names owner)."""
    key = re.sub(r"[\s-]+", "_", header_key(header))
    for column in COLUMNS[kind]:
        if key in (column.field, re.sub(r"[\s-]+", "_", header_key(column.label))):
            return column.field
    return None
