"""Reads of the catalogue: filtered requirement lists and attribute facets."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from openisms.catalogue.loader import ATTRIBUTE_COLUMNS
from openisms.catalogue.models import Framework, Requirement

ATTRIBUTE_LABELS = {
    "control_type": "Control type",
    "information_security_properties": "Information security properties",
    "cybersecurity_concepts": "Cybersecurity concepts",
    "operational_capabilities": "Operational capabilities",
    "security_domains": "Security domains",
}


def frameworks() -> QuerySet[Framework]:
    return Framework.objects.all()


def requirements(
    framework: Framework,
    *,
    kind: str = "",
    theme: str = "",
    q: str = "",
    attributes: dict[str, str] | None = None,
) -> QuerySet[Requirement]:
    qs = Requirement.objects.filter(framework=framework).select_related("parent")
    if kind:
        qs = qs.filter(kind=kind)
    if theme:
        qs = qs.filter(theme=theme)
    for term in q.lower().split()[:8]:
        qs = qs.filter(search_text__contains=term)
    for name, value in (attributes or {}).items():
        if name in ATTRIBUTE_COLUMNS and value:
            qs = qs.filter(attribute_tags__contains=f"|{name}={value}|")
    return qs.order_by("order")


def attribute_facets(framework: Framework) -> dict[str, list[str]]:
    """Every attribute value used by the framework's controls, in first-seen order."""
    facets: dict[str, dict[str, None]] = {name: {} for name in ATTRIBUTE_COLUMNS}
    for attrs in Requirement.objects.filter(framework=framework).values_list(
        "attributes", flat=True
    ):
        for name, values in (attrs or {}).items():
            if name in facets:
                for value in values:
                    facets[name][value] = None
    return {name: list(values) for name, values in facets.items() if values}


def requirement_with_mappings(framework: Framework, ref: str) -> Requirement:
    return (
        Requirement.objects.select_related("framework", "parent")
        .prefetch_related(
            "children",
            "mappings_out__target__framework",
            "mappings_in__source__framework",
        )
        .get(framework=framework, ref=ref)
    )


def annex_a_controls(values: Any, field: str = "controls") -> list[Requirement]:
    """ISO/IEC 27001:2022 Annex A controls named by ref (or given as instances), in the order
    given, duplicates dropped; unknown refs are one error naming them all."""
    refs = [v.ref if isinstance(v, Requirement) else str(v).strip() for v in values or []]
    refs = [r for r in refs if r]
    found = {
        r.ref: r
        for r in Requirement.objects.filter(
            framework__slug="iso27001-2022", kind="control", ref__in=refs
        )
    }
    unknown = [r for r in refs if r not in found]
    if unknown:
        raise ValidationError(
            {field: f"Not Annex A controls of ISO/IEC 27001:2022: {', '.join(unknown)}."}
        )
    return [found[r] for r in dict.fromkeys(refs)]
