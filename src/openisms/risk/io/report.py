"""What an import found or did, in a form the ImportJob can keep (JSON) and pages can show."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from openisms.risk.io.columns import LABELS


@dataclass
class Report:
    kind: str
    dry_run: bool = True
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    done: bool = False  # written to the database (a real run without errors)
    headers: list[str] = field(default_factory=list)  # their headers, as in the file
    unmapped: list[str] = field(default_factory=list)  # headers that need a mapping
    mapping: dict[str, str] = field(default_factory=dict)  # header key -> field | ignore
    errors: list[dict[str, Any]] = field(default_factory=list)  # {row, column, message}
    unknown_owners: list[str] = field(default_factory=list)  # owner names nobody has (once)
    new_owners: list[str] = field(default_factory=list)  # owner names created as people

    @property
    def ok(self) -> bool:
        return not self.errors

    def add(self, row: int, column: str, message: str) -> None:
        self.errors.append({"row": row, "column": column, "message": message})

    def sort(self, order: dict[str, int]) -> None:
        self.errors.sort(key=lambda e: (e["row"], order.get(e["column"], 999), e["message"]))

    @property
    def needs_mapping(self) -> bool:
        """Only headers stand in the way: a column mapping, not a fix of the file, is needed."""
        return bool(self.unmapped) and all(e["row"] == 1 for e in self.errors)

    @property
    def bad_rows(self) -> int:
        return len({e["row"] for e in self.errors if e["row"] > 1})

    def summary(self) -> str:
        verb = ("created", "updated") if self.done else ("to create", "to update")
        text = (
            f"{self.rows} row{'' if self.rows == 1 else 's'} of {LABELS[self.kind]}: "
            f"{self.created} {verb[0]}, {self.updated} {verb[1]}, {self.unchanged} unchanged."
        )
        if self.new_owners:
            text += f" People {verb[0]} as owners: {', '.join(self.new_owners)}."
        return text

    def error_lines(self) -> list[str]:
        lines = []
        for e in self.errors:
            where = f"row {e['row']}" if e["row"] else "file"
            where += f", column “{e['column']}”" if e["column"] else ""
            lines.append(f"{where}: {e['message']}")
        return lines

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        known = {k: v for k, v in (data or {}).items() if k in cls.__dataclass_fields__}
        return cls(**{"kind": "assets", **known})
