"""Everything a new organisation's risk module starts with (idempotent)."""

from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction

from openisms.catalogue.models import Requirement
from openisms.core.models import Organisation
from openisms.risk.models import (
    ClassificationLevel,
    Methodology,
    MethodologyStatus,
    Threat,
    TreatmentPlan,
    Vulnerability,
)
from openisms.risk.scoring import default_method

DATA = Path(__file__).resolve().parent.parent / "data"
CLASSIFICATIONS = [
    ("Public", "May be shared with anyone."),
    ("Internal", "For staff and contracted parties; limited harm if disclosed."),
    ("Confidential", "For named groups; disclosure would harm the organisation or others."),
    ("Restricted", "For named people only; disclosure would cause severe harm."),
]


def library_data(name: str) -> list[dict]:
    return json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))


@transaction.atomic
def seed_organisation(org: Organisation) -> None:
    """Default method, classification levels, starter libraries and the treatment plan."""
    if not Methodology.objects.exists():
        Methodology.objects.create(
            organisation=org, version=1, status=MethodologyStatus.CURRENT, data=default_method(),
            note="Default 5 × 5 method shipped with OpenISMS.",
        )  # fmt: skip
    if not ClassificationLevel.objects.exists():
        for order, (name, description) in enumerate(CLASSIFICATIONS, start=1):
            ClassificationLevel.objects.create(
                organisation=org, name=name, order=order, description=description
            )
    TreatmentPlan.objects.get_or_create(organisation=org)
    controls = {
        r.ref: r
        for r in Requirement.objects.filter(framework__slug="iso27001-2022", kind="control")
    }
    for model, name in ((Threat, "threats"), (Vulnerability, "vulnerabilities")):
        existing = set(model.objects.values_list("code", flat=True))
        items = [item for item in library_data(name) if item["code"] not in existing]
        if not items:
            continue
        entries = model.objects.bulk_create(
            [
                model(
                    organisation=org,
                    code=item["code"],
                    name=item["name"],
                    category=item["category"],
                    description=item.get("description", ""),
                )  # fmt: skip
                for item in items
            ],
            audit_summary=f"starter {model._meta.verbose_name} library ({len(items)} entries)",
        )
        through = model.controls.through
        fk = f"{model._meta.model_name}_id"
        through.objects.bulk_create(
            [
                through(**{fk: entry.pk, "requirement_id": controls[ref].pk})
                for entry, item in zip(entries, items, strict=True)
                for ref in item.get("controls", [])
                if ref in controls
            ]
        )
