"""Folding the duplicate control links into one table (data migrations, historical models).

Until 2026-12 a document named the Annex A controls it supports in ``Document.controls`` (to
catalogue requirements) while the control page wrote ``Control.documents``; requirements of the
register likewise had ``Obligation.controls`` beside ``Control.obligations``. The migrations
``documents.0003_controls_link_once`` and ``context.0002_controls_link_once`` copy every
requirement link onto the organisation's control record for that requirement (creating the record
when an older organisation lacks it, as ``controls.services.setup.ensure_controls`` would) and
then drop the old table. Nothing here imports the live models: ``apps`` is the migration state.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

FRAMEWORK = "iso27001-2022"


def annex_a_rows(apps: Any, pairs: set[tuple[Any, int]]) -> tuple[dict[tuple[Any, int], Any], list]:
    """The control record of each (organisation id, requirement id), created where missing.

    Returns the mapping and the pairs that could not be given a record (a requirement that is
    not an Annex A control of ISO/IEC 27001:2022, which no page ever let anyone link)."""
    Control = apps.get_model("controls", "Control")
    Requirement = apps.get_model("catalogue", "Requirement")
    orgs = {org for org, _ in pairs}
    rows = {
        (org, req): pk
        for org, req, pk in Control.objects.filter(
            organisation_id__in=orgs, requirement__isnull=False
        ).values_list("organisation_id", "requirement_id", "pk")
    }
    missing = sorted((p for p in pairs if p not in rows), key=str)
    annex = {
        r.pk: r
        for r in Requirement.objects.filter(
            pk__in={req for _, req in missing}, framework__slug=FRAMEWORK, kind="control"
        )
    }
    taken = set(
        Control.objects.filter(organisation_id__in=orgs).values_list("organisation_id", "ref")
    )
    new, skipped = [], []
    for org, req in missing:
        r = annex.get(req)
        if r is None or (org, r.ref) in taken:
            skipped.append((org, req))
            continue
        control = Control(
            id=uuid.uuid4(), organisation_id=org, requirement_id=r.pk, ref=r.ref, title=r.title,
            order=r.order, created_at=timezone.now(),
        )  # fmt: skip
        new.append(control)
        taken.add((org, r.ref))
        rows[(org, req)] = control.pk
    Control.objects.bulk_create(new)
    return rows, skipped


def link_rows(
    apps: Any, links: Iterable[tuple[Any, Any, int]], field: str, column: str
) -> tuple[int, list]:
    """Add (organisation id, record id, requirement id) ``links`` to ``Control.<field>``.

    ``column`` is the through table's column of the record (``document_id``). Links already
    there are kept once. Returns how many were added and the links that found no control."""
    Control = apps.get_model("controls", "Control")
    through = Control._meta.get_field(field).remote_field.through
    links = list(links)
    rows, skipped = annex_a_rows(apps, {(org, req) for org, _, req in links})
    lost = [(org, rec, req) for org, rec, req in links if (org, req) in set(skipped)]
    wanted = {(rows[(org, req)], rec) for org, rec, req in links if (org, req) in rows}
    have = set(
        through.objects.filter(control_id__in={c for c, _ in wanted}).values_list(
            "control_id", column
        )
    )
    add = sorted(wanted - have, key=str)
    through.objects.bulk_create(
        [through(**{"control_id": c, column: rec}) for c, rec in add], batch_size=500
    )
    return len(add), lost


def merge(apps: Any, app_label: str, model: str, field: str) -> int:
    """Forward step: ``<model>.controls`` (to requirements) onto ``Control.<field>``."""
    Model = apps.get_model(app_label, model)
    old = Model._meta.get_field("controls").remote_field.through
    column = f"{model.lower()}_id"
    links = old.objects.values_list(f"{model.lower()}__organisation_id", column, "requirement_id")
    added, lost = link_rows(apps, links, field, column)
    if lost:
        # Never silent: name what could not be carried over (cannot happen through the pages).
        print(
            f"\n  {app_label}.{model}: {len(lost)} link(s) to requirements that are not Annex A "
            f"controls of ISO/IEC 27001:2022 were not carried over: {lost[:20]}"
        )
    return added


def split(apps: Any, app_label: str, model: str, field: str) -> int:
    """Backward step: Annex A links of ``Control.<field>`` back into ``<model>.controls``.
    Links to own controls have no requirement to go back to and stay on ``Control.<field>``
    only (where the previous version also showed them)."""
    Control = apps.get_model("controls", "Control")
    Model = apps.get_model(app_label, model)
    old = Model._meta.get_field("controls").remote_field.through
    through = Control._meta.get_field(field).remote_field.through
    column = f"{model.lower()}_id"
    pairs = set(
        through.objects.filter(control__requirement__isnull=False).values_list(
            column, "control__requirement_id"
        )
    )
    have = set(old.objects.values_list(column, "requirement_id"))
    add = sorted(pairs - have, key=str)
    old.objects.bulk_create(
        [old(**{column: rec, "requirement_id": req}) for rec, req in add], batch_size=500
    )
    return len(add)
