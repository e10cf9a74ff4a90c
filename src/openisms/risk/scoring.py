"""The risk method as plain data: scales, levels, matrix, acceptance — validated and scored.

Kept free of Django so that it can be reasoned about (and property-tested) on its own: any valid
method maps any valid (likelihood, impact) pair to exactly one level.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from openisms.core.permissions import Role

MIN_LEVELS, MAX_LEVELS = 2, 10
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
KEY = re.compile(r"^[a-z][a-z0-9_-]{0,29}$")


class MethodError(ValueError):
    """The method is not valid; ``errors`` says every problem found, in words."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class ScalePoint:
    value: int
    label: str
    description: str = ""


@dataclass(frozen=True)
class Level:
    key: str
    name: str
    colour: str
    order: int
    accept_roles: tuple[str, ...] = ()


@dataclass(frozen=True)
class Method:
    likelihood: tuple[ScalePoint, ...]
    impact: tuple[ScalePoint, ...]
    levels: tuple[Level, ...]
    matrix: tuple[tuple[str, ...], ...]  # matrix[likelihood - 1][impact - 1] = level key
    acceptance_threshold: str  # levels up to this one are within the acceptance criteria
    review_months: int = 12
    _by_key: dict[str, Level] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_key", {lv.key: lv for lv in self.levels})

    # -- scoring ----------------------------------------------------------------------------
    def level_for(self, likelihood: int, impact: int) -> Level:
        if not 1 <= likelihood <= len(self.likelihood):
            raise ValueError(f"Likelihood must be between 1 and {len(self.likelihood)}.")
        if not 1 <= impact <= len(self.impact):
            raise ValueError(f"Impact must be between 1 and {len(self.impact)}.")
        return self._by_key[self.matrix[likelihood - 1][impact - 1]]

    def level(self, key: str) -> Level | None:
        return self._by_key.get(key)

    def within_criteria(self, level: Level) -> bool:
        return level.order <= self._by_key[self.acceptance_threshold].order

    def may_accept(self, level: Level, role: str) -> bool:
        return role in level.accept_roles

    def ordered_levels(self) -> list[Level]:
        return sorted(self.levels, key=lambda lv: lv.order)

    def rescale(self, value: int, old_size: int, axis: str) -> int:
        """Carry a score from a scale of ``old_size`` points to this method's scale."""
        new_size = len(self.likelihood if axis == "likelihood" else self.impact)
        if old_size == new_size:
            return value
        return 1 + round((value - 1) * (new_size - 1) / (old_size - 1))

    # -- (de)serialisation ------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {
            "likelihood": [vars(p) for p in self.likelihood],
            "impact": [vars(p) for p in self.impact],
            "levels": [
                {**vars(lv), "accept_roles": list(lv.accept_roles)} for lv in self.ordered_levels()
            ],
            "matrix": [list(row) for row in self.matrix],
            "acceptance_threshold": self.acceptance_threshold,
            "review_months": self.review_months,
        }


def _scale(raw: Any, name: str, errors: list[str]) -> tuple[ScalePoint, ...]:
    if not isinstance(raw, list) or not MIN_LEVELS <= len(raw) <= MAX_LEVELS:
        errors.append(f"The {name} scale needs between {MIN_LEVELS} and {MAX_LEVELS} points.")
        return ()
    points = []
    for i, item in enumerate(raw, start=1):
        label = str((item or {}).get("label", "")).strip() if isinstance(item, dict) else ""
        if not label:
            errors.append(f"{name.capitalize()} point {i} needs a label.")
        points.append(
            ScalePoint(
                i,
                label[:60],
                str(item.get("description", ""))[:500] if isinstance(item, dict) else "",
            )
        )
    labels = [p.label for p in points if p.label]
    if len(set(labels)) != len(labels):
        errors.append(f"The {name} labels must differ from each other.")
    return tuple(points)


def parse(raw: dict[str, Any]) -> Method:
    """Build and validate a method from its stored (JSON) form; raise :class:`MethodError`."""
    errors: list[str] = []
    if not isinstance(raw, dict):
        raise MethodError(["The method must be an object."])
    likelihood = _scale(raw.get("likelihood"), "likelihood", errors)
    impact = _scale(raw.get("impact"), "impact", errors)
    levels: list[Level] = []
    raw_levels = raw.get("levels")
    if not isinstance(raw_levels, list) or not 1 <= len(raw_levels) <= 10:
        errors.append("Define between 1 and 10 risk levels.")
        raw_levels = []
    for i, item in enumerate(raw_levels, start=1):
        if not isinstance(item, dict):
            errors.append(f"Risk level {i} is not an object.")
            continue
        key, name = str(item.get("key", "")).strip(), str(item.get("name", "")).strip()
        colour = str(item.get("colour", "")).strip()
        roles = item.get("accept_roles") or []
        if not KEY.match(key):
            errors.append(f"Risk level {i} needs a key of lower-case letters, digits, - or _.")
        if not name:
            errors.append(f"Risk level {i} needs a name.")
        if not COLOUR.match(colour):
            errors.append(f"Risk level “{name or i}” needs a colour like #c62828.")
        if not isinstance(roles, list) or any(r not in Role.values for r in roles):
            errors.append(f"Risk level “{name or i}” names an unknown role.")
            roles = []
        try:
            order = int(item.get("order", i))
        except (TypeError, ValueError):
            errors.append(f"Risk level “{name or i}” needs a whole-number order.")
            order = i
        levels.append(Level(key, name[:60], colour, order, tuple(roles)))
    keys = [lv.key for lv in levels]
    if len(set(keys)) != len(keys):
        errors.append("Risk level keys must be unique.")
    if len({lv.order for lv in levels}) != len(levels):
        errors.append("Risk levels need distinct orders (lowest first).")
    matrix_raw = raw.get("matrix")
    matrix: list[tuple[str, ...]] = []
    if (
        not isinstance(matrix_raw, list)
        or len(matrix_raw) != len(likelihood)
        or any(not isinstance(row, list) or len(row) != len(impact) for row in matrix_raw)
    ):
        errors.append(
            f"The matrix needs {len(likelihood)} rows (likelihood) of {len(impact)} cells (impact)."
        )
    else:
        for li, row in enumerate(matrix_raw, start=1):
            for ii, cell in enumerate(row, start=1):
                if cell not in keys:
                    errors.append(f"Matrix cell likelihood {li} × impact {ii} has no valid level.")
            matrix.append(tuple(str(c) for c in row))
    threshold = str(raw.get("acceptance_threshold", ""))
    if threshold not in keys:
        errors.append("Choose the highest risk level that is within the acceptance criteria.")
    try:
        review_months = int(raw.get("review_months", 12))
        if not 1 <= review_months <= 36:
            raise ValueError
    except (TypeError, ValueError):
        errors.append("The review frequency must be between 1 and 36 months.")
        review_months = 12
    if errors:
        raise MethodError(errors)
    return Method(
        tuple(likelihood), tuple(impact), tuple(levels), tuple(matrix), threshold, review_months
    )


EVERYONE_WHO_DECIDES = [Role.CONTRIBUTOR, Role.ISMS_MANAGER, Role.APPROVER, Role.OWNER]


def default_method() -> dict[str, Any]:
    """The shipped 5 × 5 method: four levels by the product of likelihood and impact."""
    likelihood = [
        ("Rare", "May happen only in exceptional circumstances; less than once in 10 years."),
        ("Unlikely", "Could happen at some time; about once in 5–10 years."),
        ("Possible", "Might happen; about once in 1–5 years."),
        ("Likely", "Will probably happen; about once a year."),
        ("Almost certain", "Expected to happen several times a year."),
    ]
    impact = [
        ("Negligible", "No noticeable effect on operations, customers or compliance."),
        ("Minor", "Short disruption or small cost; contained internally."),
        ("Moderate", "Disruption of a service for a day, some customers affected, reportable."),
        ("Major", "Serious disruption, significant financial loss or regulatory action."),
        ("Severe", "Threatens the organisation's survival, safety or licence to operate."),
    ]
    levels = [
        {"key": "low", "name": "Low", "colour": "#2e7d32", "order": 1,
         "accept_roles": list(EVERYONE_WHO_DECIDES)},
        {"key": "medium", "name": "Medium", "colour": "#f9a825", "order": 2,
         "accept_roles": [Role.ISMS_MANAGER, Role.APPROVER, Role.OWNER]},
        {"key": "high", "name": "High", "colour": "#ef6c00", "order": 3,
         "accept_roles": [Role.APPROVER, Role.OWNER]},
        {"key": "critical", "name": "Critical", "colour": "#c62828", "order": 4,
         "accept_roles": [Role.APPROVER]},
    ]  # fmt: skip

    def cell(score: int) -> str:
        return (
            "low"
            if score <= 4
            else "medium"
            if score <= 9
            else "high"
            if score <= 16
            else "critical"
        )

    return {
        "likelihood": [{"label": a, "description": b} for a, b in likelihood],
        "impact": [{"label": a, "description": b} for a, b in impact],
        "levels": [{**lv, "accept_roles": [str(r) for r in lv["accept_roles"]]} for lv in levels],
        "matrix": [[cell(li * ii) for ii in range(1, 6)] for li in range(1, 6)],
        "acceptance_threshold": "medium",
        "review_months": 12,
    }
