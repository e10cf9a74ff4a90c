"""The risk-method editor: a form whose shape (scale sizes, level rows) follows the method.

The matrix and the acceptance threshold point at level *rows*, not keys, so renaming a level's
key in the same submission keeps the grid intact. :class:`Draft` is the editable, lenient form
of a method (it may be incomplete); :func:`openisms.risk.scoring.parse` decides validity.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from django import forms

from openisms.core.permissions import Role, can
from openisms.risk.scoring import MAX_LEVELS, MIN_LEVELS, MethodError, parse

SIZES = [(n, str(n)) for n in range(MIN_LEVELS, MAX_LEVELS + 1)]
MAX_LEVEL_ROWS = 10
NEW_COLOUR = "#607d8b"


def accept_role_choices() -> list[tuple[str, str]]:
    return [(r.value, r.label) for r in Role if can(r.value, "risk.accept")]


def ink(colour: str) -> str:
    """ "dark" or "light": the text colour readable on ``colour`` (#rrggbb)."""
    try:
        r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    except (ValueError, TypeError, IndexError):
        return "dark"
    return "dark" if (0.299 * r + 0.587 * g + 0.114 * b) / 255 > 0.6 else "light"


def clamp_size(value: Any, default: int) -> int:
    try:
        n = int(value)
    except (TypeError, ValueError):
        return default
    return n if MIN_LEVELS <= n <= MAX_LEVELS else default


def _scaled(index: int, old: int, new: int) -> int:
    """0-based ``index`` on a scale of ``new`` points carried to a scale of ``old`` points."""
    return round(index * (old - 1) / (new - 1)) if new > 1 else 0


@dataclass
class Draft:
    likelihood: list[dict[str, str]]
    impact: list[dict[str, str]]
    levels: list[dict[str, Any]]
    matrix: list[list[int | None]]  # [likelihood][impact] -> index into levels
    threshold: int | None
    review_months: Any = 12
    note: str = ""
    resized: bool = field(default=False, compare=False)

    @property
    def sizes(self) -> tuple[int, int]:
        return len(self.likelihood), len(self.impact)

    @classmethod
    def from_method(cls, data: dict[str, Any]) -> Draft:
        levels = [dict(lv) for lv in data["levels"]]
        index = {lv["key"]: i for i, lv in enumerate(levels)}
        return cls(
            likelihood=[{"label": p["label"], "description": p.get("description", "")}
                        for p in data["likelihood"]],
            impact=[{"label": p["label"], "description": p.get("description", "")}
                    for p in data["impact"]],
            levels=levels,
            matrix=[[index.get(c) for c in row] for row in data["matrix"]],
            threshold=index.get(data.get("acceptance_threshold")),
            review_months=data.get("review_months", 12),
        )  # fmt: skip

    @classmethod
    def from_query(cls, q: Any, *, fallback: Draft, keep_blank: bool) -> Draft:
        """What the editor form sent (possibly half-done); ``fallback`` when it sent nothing."""
        n_l = _count(q, "l{}_label")
        n_i = _count(q, "i{}_label")
        if n_l < MIN_LEVELS or n_i < MIN_LEVELS:
            return replace(fallback)
        rows: dict[str, int] = {}
        levels: list[dict[str, Any]] = []
        for n in range(1, MAX_LEVEL_ROWS + 1):
            if f"lv{n}_key" not in q:
                continue
            level = {
                "key": q.get(f"lv{n}_key", "").strip(),
                "name": q.get(f"lv{n}_name", "").strip(),
                "colour": q.get(f"lv{n}_colour", "").strip(),
                "order": q.get(f"lv{n}_order", "").strip(),
                "accept_roles": q.getlist(f"lv{n}_roles"),
            }
            if not keep_blank and not level["key"] and not level["name"]:
                continue
            rows[str(n)] = len(levels)
            levels.append(level)
        return cls(
            likelihood=_points(q, "l", n_l),
            impact=_points(q, "i", n_i),
            levels=levels,
            matrix=[
                [rows.get(q.get(f"m{li}_{ii}", "")) for ii in range(1, n_i + 1)]
                for li in range(1, n_l + 1)
            ],
            threshold=rows.get(q.get("acceptance_threshold", "")),
            review_months=q.get("review_months", fallback.review_months),
            note=q.get("note", ""),
        )

    def resize(self, n_l: int, n_i: int) -> Draft:
        """The same method on an ``n_l`` × ``n_i`` grid: matrix scaled, labels carried over."""
        old_l, old_i = self.sizes
        if (n_l, n_i) == (old_l, old_i):
            return replace(self)
        matrix = [
            [self.matrix[_scaled(li, old_l, n_l)][_scaled(ii, old_i, n_i)] for ii in range(n_i)]
            for li in range(n_l)
        ]
        return replace(
            self,
            likelihood=_rescale_points(self.likelihood, n_l),
            impact=_rescale_points(self.impact, n_i),
            matrix=matrix,
            resized=True,
        )


def _count(q: Any, pattern: str) -> int:
    n = 0
    while n < MAX_LEVELS and pattern.format(n + 1) in q:
        n += 1
    return n


def _points(q: Any, prefix: str, n: int) -> list[dict[str, str]]:
    return [
        {
            "label": q.get(f"{prefix}{i}_label", "").strip(),
            "description": q.get(f"{prefix}{i}_description", "").strip(),
        }
        for i in range(1, n + 1)
    ]


def _rescale_points(points: list[dict[str, str]], new: int) -> list[dict[str, str]]:
    old = len(points)
    if new <= old:
        # Keep the extremes and spread the rest: 5 → 4 keeps Rare, Unlikely, Likely, Almost certain.
        return [dict(points[_scaled(i, old, new)]) for i in range(new)]
    # Growing: old points keep their relative position; the new ones in between are for the
    # author to name (labels must differ, so copying a neighbour's would not help).
    placed = {round(i * (new - 1) / (old - 1)): p for i, p in enumerate(points)}
    return [dict(placed.get(i, {"label": "", "description": ""})) for i in range(new)]


class ColourInput(forms.TextInput):
    input_type = "color"


def _text(label: str, max_length: int, **attrs: Any) -> forms.CharField:
    return forms.CharField(
        label=label, max_length=max_length, required=False,
        widget=forms.TextInput(attrs=attrs),
    )  # fmt: skip


class MethodForm(forms.Form):
    likelihood = forms.TypedChoiceField(label="Likelihood points", choices=SIZES, coerce=int)
    impact = forms.TypedChoiceField(label="Impact points", choices=SIZES, coerce=int)
    review_months = forms.IntegerField(
        label="Review risks every (months)", min_value=1, max_value=36,
        help_text="How often each risk is reassessed (planned intervals, clause 8.2).",
    )  # fmt: skip
    note = forms.CharField(
        label="What changed and why", widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The approver reads this before signing the method off.",
    )  # fmt: skip

    def __init__(self, data: Any = None, *, draft: Draft, extra_row: bool = True) -> None:
        self.draft = draft
        n_l, n_i = draft.sizes
        levels = list(draft.levels)
        if extra_row and len(levels) < MAX_LEVEL_ROWS:
            orders = [_int(lv.get("order"), 0) for lv in levels]
            levels.append({"key": "", "name": "", "colour": NEW_COLOUR,
                           "order": max(orders, default=0) + 1, "accept_roles": []})  # fmt: skip
        self.rows = levels
        initial: dict[str, Any] = {
            "likelihood": n_l, "impact": n_i, "review_months": draft.review_months,
            "note": draft.note,
            "acceptance_threshold": "" if draft.threshold is None else str(draft.threshold + 1),
        }  # fmt: skip
        super().__init__(data, initial=initial)
        for axis, prefix, points in (("Likelihood", "l", draft.likelihood),
                                     ("Impact", "i", draft.impact)):  # fmt: skip
            for i, point in enumerate(points, start=1):
                self.fields[f"{prefix}{i}_label"] = _text(f"{axis} {i} label", 60)
                self.fields[f"{prefix}{i}_description"] = _text(f"{axis} {i} description", 500)
                self.initial[f"{prefix}{i}_label"] = point["label"]
                self.initial[f"{prefix}{i}_description"] = point["description"]
        for n, level in enumerate(levels, start=1):
            self.fields[f"lv{n}_key"] = _text(f"Level {n} key", 30, size=10)
            self.fields[f"lv{n}_name"] = _text(f"Level {n} name", 60, size=14)
            self.fields[f"lv{n}_colour"] = forms.CharField(
                label=f"Level {n} colour", max_length=20, required=False, widget=ColourInput
            )
            self.fields[f"lv{n}_order"] = forms.IntegerField(
                label=f"Level {n} order", required=False, min_value=0, max_value=99,
                widget=forms.NumberInput(attrs={"class": "narrow-num"}),
            )  # fmt: skip
            self.fields[f"lv{n}_roles"] = forms.MultipleChoiceField(
                label=f"Level {n}: who may accept", required=False,
                choices=accept_role_choices(), widget=forms.CheckboxSelectMultiple,
            )  # fmt: skip
            for name in ("key", "name", "colour", "order"):
                self.initial[f"lv{n}_{name}"] = level.get(name, "")
            self.initial[f"lv{n}_roles"] = list(level.get("accept_roles") or [])
        choices = [("", "—")] + [
            (str(n), lv.get("name") or lv.get("key") or f"Level {n}")
            for n, lv in enumerate(draft.levels, start=1)
        ]
        self.fields["acceptance_threshold"] = forms.CharField(
            label="Acceptance threshold", required=False, widget=forms.Select(choices=choices),
            help_text="The highest level that is within the acceptance criteria.",
        )  # fmt: skip
        for li in range(1, n_l + 1):
            for ii in range(1, n_i + 1):
                name = f"m{li}_{ii}"
                self.fields[name] = forms.CharField(
                    label=f"Likelihood {li} × impact {ii}", required=False,
                    widget=forms.Select(choices=choices),
                )  # fmt: skip
                cell = draft.matrix[li - 1][ii - 1] if li <= len(draft.matrix) else None
                self.initial[name] = "" if cell is None else str(cell + 1)

    # -- what the template walks --------------------------------------------------------------
    def scale_rows(self, prefix: str) -> list[tuple[int, Any, Any]]:
        n = len(self.draft.likelihood if prefix == "l" else self.draft.impact)
        return [
            (i, self[f"{prefix}{i}_label"], self[f"{prefix}{i}_description"])
            for i in range(1, n + 1)
        ]

    def likelihood_rows(self) -> list[tuple[int, Any, Any]]:
        return self.scale_rows("l")

    def impact_rows(self) -> list[tuple[int, Any, Any]]:
        return self.scale_rows("i")

    def level_rows(self) -> list[dict[str, Any]]:
        return [
            {"n": n, **{name: self[f"lv{n}_{name}"]
                        for name in ("key", "name", "colour", "order", "roles")}}
            for n in range(1, len(self.rows) + 1)
        ]  # fmt: skip

    def matrix_rows(self) -> list[dict[str, Any]]:
        """Highest likelihood on top, as on the heat map."""
        n_l, n_i = self.draft.sizes
        rows = []
        for li in range(n_l, 0, -1):
            cells = []
            for ii in range(1, n_i + 1):
                bf = self[f"m{li}_{ii}"]
                chosen = _int(bf.value(), 0)
                level = (
                    self.draft.levels[chosen - 1] if 0 < chosen <= len(self.draft.levels) else {}
                )
                cells.append({"field": bf, "colour": level.get("colour") or "#ffffff"})
            label = self.draft.likelihood[li - 1]["label"]
            rows.append({"value": li, "label": label, "cells": cells})
        return rows

    # -- cleaning -------------------------------------------------------------------------------
    def clean(self) -> dict[str, Any]:
        cd = super().clean()
        n_l, n_i = self.draft.sizes
        rows: dict[str, str] = {}
        levels = []
        for n in range(1, len(self.rows) + 1):
            key = (cd.get(f"lv{n}_key") or "").strip()
            name = (cd.get(f"lv{n}_name") or "").strip()
            if not key and not name:
                continue  # an unused row
            rows[str(n)] = key
            order = cd.get(f"lv{n}_order")
            levels.append({
                "key": key, "name": name, "colour": (cd.get(f"lv{n}_colour") or "").strip(),
                "order": n if order is None else order,
                "accept_roles": list(cd.get(f"lv{n}_roles") or []),
            })  # fmt: skip
        data = {
            "likelihood": [
                {"label": cd.get(f"l{i}_label", ""), "description": cd.get(f"l{i}_description", "")}
                for i in range(1, n_l + 1)
            ],
            "impact": [
                {"label": cd.get(f"i{i}_label", ""), "description": cd.get(f"i{i}_description", "")}
                for i in range(1, n_i + 1)
            ],
            "levels": levels,
            "matrix": [
                [rows.get(cd.get(f"m{li}_{ii}") or "", "") for ii in range(1, n_i + 1)]
                for li in range(1, n_l + 1)
            ],
            "acceptance_threshold": rows.get(cd.get("acceptance_threshold") or "", ""),
            "review_months": cd.get("review_months") or 12,
        }
        try:
            self.method_data = parse(data).to_dict()
        except MethodError as exc:
            for message in exc.errors:
                self.add_error(None, message)
        return cd


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default
