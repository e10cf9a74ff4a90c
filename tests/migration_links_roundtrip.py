"""Run by tests/test_relations.py in a subprocess against a scratch database (never the test
database): migrate to the state before the duplicate control links were folded, link through
both old tables, migrate forward, back, and forward again, and print what each table holds as
one JSON line. Needs OPENISMS_HOME (and optionally DATABASE_URL) set to something disposable."""

from __future__ import annotations

import json
import uuid

import django
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("documents", "0002_initial"), ("context", "0001_initial"), ("controls", "0001_initial")]
# Only as far as the fold: later migrations (soft delete, owners) are not what this test checks,
# and unapplying them all on SQLite is a separate matter (see the closing note of issue 10).
AFTER = [
    ("controls", "0002_controls_link_once"),
    ("documents", "0003_controls_link_once"),
    ("context", "0002_controls_link_once"),
]


def forward() -> None:
    for app, name in AFTER:
        call_command("migrate", app, name, verbosity=0)


def state(nodes):
    return MigrationExecutor(connection).loader.project_state(nodes).apps


def seed() -> list:
    """Two organisations: one with control records (and an own control), one without."""
    apps = state(BEFORE)
    Org = apps.get_model("core", "Organisation")
    User = apps.get_model("auth", "User")
    Req = apps.get_model("catalogue", "Requirement")
    Control = apps.get_model("controls", "Control")
    Document = apps.get_model("documents", "Document")
    Obligation = apps.get_model("context", "Obligation")
    req = {r.ref: r for r in Req.objects.filter(framework__slug="iso27001-2022", kind="control")}
    user = User.objects.create(username=f"u-{uuid.uuid4().hex[:8]}")
    orgs = [
        Org.objects.create(name=name, slug=f"{name}-{uuid.uuid4().hex[:6]}")
        for name in ("has-records", "no-records")
    ]
    a51 = Control.objects.create(id=uuid.uuid4(), organisation=orgs[0], requirement=req["A.5.1"],
                                 ref="A.5.1", title="Policies", order=1)  # fmt: skip
    own = Control.objects.create(id=uuid.uuid4(), organisation=orgs[0], ref="CTRL-001",
                                 title="Own", order=10_000)  # fmt: skip

    def doc(org, ref):
        return Document.objects.create(id=uuid.uuid4(), organisation=org, ref=ref, title=ref,
                                       kind="policy", owner=user)  # fmt: skip

    def ob(org, ref):
        return Obligation.objects.create(id=uuid.uuid4(), organisation=org, ref=ref, title=ref,
                                         source="law")  # fmt: skip

    d1, d2, d3 = doc(orgs[0], "DOC-1"), doc(orgs[0], "DOC-2"), doc(orgs[1], "DOC-1")
    o1, o2 = ob(orgs[0], "REQ-1"), ob(orgs[1], "REQ-1")
    d1.controls.add(req["A.5.1"], req["A.8.13"])  # old table; A.5.1 also in the new one
    a51.documents.add(d1, d2)
    own.documents.add(d2)
    d3.controls.add(req["A.5.15"])  # an organisation without control records
    o1.controls.add(req["A.5.31"])
    a51.obligations.add(o1)
    o2.controls.add(req["A.5.34"], req["A.5.1"])
    return [o.pk for o in orgs]


def new_links(orgs) -> dict:
    from openisms.controls.models import Control

    out = {}
    for field, col in (("documents", "document__ref"), ("obligations", "obligation__ref")):
        through = getattr(Control, field).through
        out[field] = sorted(
            through.objects.filter(control__organisation_id__in=orgs).values_list(
                "control__organisation__name", "control__ref", col
            )
        )
    out["controls"] = {
        name: Control.unscoped.filter(organisation__name=name, organisation_id__in=orgs).count()
        for name in ("has-records", "no-records")
    }
    return out


def old_links(orgs) -> dict:
    apps = state(BEFORE)
    out = {}
    for key, (app, model) in {
        "back_documents": ("documents", "Document"),
        "back_obligations": ("context", "Obligation"),
    }.items():
        through = apps.get_model(app, model)._meta.get_field("controls").remote_field.through
        name = model.lower()
        out[key] = sorted(
            through.objects.filter(**{f"{name}__organisation_id__in": orgs}).values_list(
                f"{name}__organisation__name", f"{name}__ref", "requirement__ref"
            )
        )
    return out


def main() -> None:
    django.setup()
    from openisms.catalogue.loader import load_all

    for app, name in BEFORE:
        call_command("migrate", app, name, verbosity=0)
    load_all()
    orgs = seed()
    forward()
    result = new_links(orgs)
    call_command("migrate", "controls", "0001", verbosity=0)
    call_command("migrate", "documents", "0002", verbosity=0)
    call_command("migrate", "context", "0001", verbosity=0)
    result |= old_links(orgs)
    forward()
    result["again_documents"] = new_links(orgs)["documents"]
    print(json.dumps(result, default=str))


if __name__ == "__main__":
    main()
