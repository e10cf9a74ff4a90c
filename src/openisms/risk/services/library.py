"""Organisation-specific entries in the threat and vulnerability libraries."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from openisms.catalogue.selectors import annex_a_controls
from openisms.core.context import require_org
from openisms.core.validation import clean_text
from openisms.risk.models import Threat, Vulnerability

KINDS: dict[str, type[Threat] | type[Vulnerability]] = {
    "threats": Threat,
    "vulnerabilities": Vulnerability,
}


def _duplicate(model: type, code: str) -> ValidationError:
    noun = model._meta.verbose_name
    return ValidationError(
        {"code": f"The library already has a {noun} with code “{code}”: choose another code."}
    )


def create_entry(kind: str, data: dict[str, Any]) -> Threat | Vulnerability:
    """Add a custom threat or vulnerability (``kind``: "threats" or "vulnerabilities")."""
    model = KINDS[kind]
    fields = {name: clean_text(data.get(name), name) for name in ("code", "name", "category")}
    fields["description"] = clean_text(data.get("description"), "description")
    for name, message in (("code", "Give it a code."), ("name", "Give it a name."),
                          ("category", "Give it a category.")):  # fmt: skip
        if not fields[name]:
            raise ValidationError({name: message})
    refs = [c.ref if hasattr(c, "ref") else str(c) for c in data.get("controls") or []]
    controls = annex_a_controls(refs)
    # Codes differing only in case would read as the same entry in the register.
    if model.objects.filter(code__iexact=fields["code"]).exists():
        raise _duplicate(model, fields["code"])
    entry = model(organisation=require_org(), is_custom=True, **fields)
    entry.full_clean(exclude=["organisation", "controls"], validate_constraints=False)
    try:
        with transaction.atomic():
            entry.save()
            entry.controls.set(controls)
    except IntegrityError:
        raise _duplicate(model, fields["code"]) from None
    return entry
