"""The one link from documents and requirements to the organisation's controls.

``Control.documents`` and ``Control.obligations`` are the only tables: the document register
and the requirements register reach them as ``document.controls`` and ``obligation.controls``,
so a link made on either side shows on the other, in the SoA and in every export. Both sides
name controls by reference — ``A.5.1`` for Annex A, the organisation's own (``CTRL-001``) —
resolved here against the current organisation's control records.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from openisms.catalogue.models import Requirement
from openisms.controls.models import Control
from openisms.controls.services.setup import ensure_controls
from openisms.core.context import require_org

MAX_LINKS = 500  # controls one document or requirement may name in one request


def choices() -> QuerySet[Control]:
    """The current organisation's controls in SoA order, Annex A first (for pickers)."""
    ensure_controls()
    return Control.objects.only("id", "ref", "title", "order").order_by("order", "ref")


def label(control: Control) -> str:
    return f"{control.ref} {control.title}"


def _key(value: Any) -> str:
    if isinstance(value, Control | Requirement):
        return value.ref
    return str(value if value is not None else "").strip()


def resolve(values: Any, field: str = "controls") -> list[Control]:
    """The current organisation's controls named by ``values`` — references (``A.5.1``,
    ``CTRL-001``), control records or Annex A catalogue requirements — in the order given,
    duplicates dropped. Unknown references are one error naming them all."""
    org = require_org()
    items = list(values or [])
    foreign = [
        v.ref for v in items if isinstance(v, Control) and v.organisation_id != org.pk
    ]  # fmt: skip
    if foreign:
        raise ValidationError({field: f"Not controls of {org.name}: {', '.join(foreign)}."})
    refs = [r for r in dict.fromkeys(_key(v) for v in items) if r]
    if len(refs) > MAX_LINKS:
        raise ValidationError({field: f"Name at most {MAX_LINKS} controls."})
    if not refs:
        return []
    found = {c.ref: c for c in Control.objects.filter(ref__in=refs)}
    if len(found) < len(refs) and ensure_controls():
        # An organisation older than the controls module gets its Annex A records on first use.
        found = {c.ref: c for c in Control.objects.filter(ref__in=refs)}
    unknown = [r for r in refs if r not in found]
    if unknown:
        raise ValidationError(
            {
                field: f"Unknown controls: {', '.join(unknown[:20])}. Name Annex A controls of "
                "ISO/IEC 27001:2022 (e.g. A.5.1) or this organisation's own controls by "
                "their reference."
            }
        )
    return [found[r] for r in refs]


def refs(controls: Any) -> list[str]:
    """References of ``controls`` (loaded rows) in SoA order."""
    return [c.ref for c in sorted(controls, key=lambda c: (c.order, c.ref))]
