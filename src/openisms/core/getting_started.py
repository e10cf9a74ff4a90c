"""The getting-started path a new organisation's dashboard shows: scope → policy → risk method →
assets → risks → SoA, each step ticked from real records.

A module adds its step with :func:`register` (order, title, where to do it and the permission that
page needs, and ``done``: a queryset whose existence means the step is done). The dashboard asks
all steps in **one** query (an ``EXISTS`` per step on the organisation's row), so the path costs
the same whatever the registers hold. Once every step is done the path is no longer shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, QuerySet
from django.urls import reverse


@dataclass(frozen=True)
class Step:
    order: int
    key: str
    title: str
    hint: str  # what to do, in one sentence
    url_name: str  # where to do it (takes the organisation's slug)
    action: str  # the permission that page needs: no link for a role that may not follow it
    done: Callable[[], QuerySet]  # records whose existence ticks the step
    link_text: str = "Go there"


STEPS: dict[str, Step] = {}


def register(step: Step) -> None:
    STEPS[step.key] = step


def steps() -> list[Step]:
    return sorted(STEPS.values(), key=lambda s: s.order)


def ticks(organisation: Any) -> dict[str, bool]:
    """Step key → done, in one query."""
    from openisms.core.models import Organisation

    ordered = steps()
    if not ordered:
        return {}
    annotations = {f"step_{s.key}": Exists(s.done()) for s in ordered}
    row = (
        Organisation.objects.filter(pk=organisation.pk)
        .annotate(**annotations)
        .values(*annotations)
        .get()
    )
    return {s.key: bool(row[f"step_{s.key}"]) for s in ordered}


def path_for(access: Any) -> dict[str, Any] | None:
    """The path as the dashboard shows it to this member, or None once every step is done."""
    org = access.organisation
    done = ticks(org)
    if not done or all(done.values()):
        return None
    items, next_key = [], None
    for step in steps():
        if next_key is None and not done[step.key]:
            next_key = step.key
        items.append(
            {
                "key": step.key,
                "title": step.title,
                "hint": step.hint,
                "done": done[step.key],
                "next": step.key == next_key,
                "url": reverse(step.url_name, args=[org.slug]) if access.can(step.action) else "",
                "link_text": step.link_text,
            }
        )
    return {"steps": items, "done": sum(done.values()), "total": len(items)}
