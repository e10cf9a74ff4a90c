"""Context, leadership and support at scale: 5,000 documents and 2,000 staff, then time the
pages and API lists of document control, the people register, training, competence gaps and the
mandatory-documents checklist, and the XLSX/DOCX/PDF exports.

    OPENISMS_HOME=/tmp/bench-support .venv/bin/python benchmarks/support_bench.py \
        [--documents 5000 --staff 2000] [--database-url postgres://…] [--analyze]

Same method as ``risk_bench.py`` (in-process test client; median and p95 of N requests after
warm-ups); results go to ``benchmarks/results-support-<db>[-analyze].json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.risk_bench import (  # noqa: E402
    clients,
    ensure_users,
    machine,
    measure,
    prepare_database,
    setup_django,
)

SLUG = "bench-support"
ENDPOINTS = [  # name, url, client, repetitions key
    ("document register", "/o/{slug}/documents/", "web", "repeat"),
    ("register: overdue", "/o/{slug}/documents/?review=overdue", "web", "repeat"),
    ("document detail", "/o/{slug}/documents/{document_id}/", "web", "repeat"),
    ("checklist page", "/o/{slug}/documents/checklist/", "web", "repeat"),
    ("staff list", "/o/{slug}/people/", "web", "repeat"),
    ("training overview", "/o/{slug}/people/training/", "web", "repeat"),
    ("overdue training", "/o/{slug}/people/training/overdue/", "web", "repeat"),
    ("campaign detail", "/o/{slug}/people/training/campaigns/{campaign_id}/", "web", "repeat"),
    ("competence gaps", "/o/{slug}/leadership/competence-gaps/", "web", "repeat"),
    ("RACI matrix", "/o/{slug}/leadership/raci/", "web", "repeat"),
    ("dashboard", "/o/{slug}/", "web", "repeat"),
    ("API documents", "/api/v1/documents/?limit=50", "api", "repeat"),
    ("API persons", "/api/v1/people/persons?limit=50", "api", "repeat"),
    ("API checklist", "/api/v1/documents/checklist", "api", "repeat"),
    ("register XLSX", "/o/{slug}/documents/register.xlsx", "web", "export_repeat"),
    ("document DOCX", "/o/{slug}/documents/{document_id}/export.docx", "web", "export_repeat"),
    ("document PDF", "/o/{slug}/documents/{document_id}/export.pdf", "web", "export_repeat"),
]
DEPARTMENTS = ["Production", "Engineering", "IT", "Finance", "Sales", "HR", "Logistics"]
KINDS = ["policy", "topic_policy", "procedure", "standard", "plan", "record", "template"]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=5_000)
    parser.add_argument("--staff", type=int, default=2_000)
    parser.add_argument("--database-url", help="default: DATABASE_URL, else SQLite in the home")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--export-repeat", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--slug", default=SLUG)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--output")
    parser.add_argument("--analyze", action="store_true", help="ANALYZE before timing")
    return parser.parse_args(argv)


def generate(documents: int, staff: int, seed: int) -> dict[str, Any]:
    """Bulk inserts with one audit entry per batch; returns ids the URLs need."""
    from django.contrib.auth import get_user_model
    from django.db.models import QuerySet
    from django.utils import timezone

    from openisms.core.context import require_org
    from openisms.core.models.sequence import reserve_at_least
    from openisms.documents.models import Acknowledgement, Document, DocumentVersion
    from openisms.leadership.models import IsmsRole
    from openisms.people.models import Campaign, Course, Person, TrainingAssignment

    org = require_org()
    rng = random.Random(seed)
    from openisms.people.identity import person_for

    manager_login = get_user_model().objects.get(username="bench-manager-1")
    org_owner = person_for(manager_login, org, create=True)
    today = timezone.localdate()
    people = [
        Person(
            organisation=org,
            full_name=f"Person {n:05d}",
            email=f"p{n}@bench.example",
            department=rng.choice(DEPARTMENTS),
            job_title="Staff",
        )
        for n in range(1, staff + 1)
    ]
    Person.objects.bulk_create(people, batch_size=500, audit_summary="benchmark staff")
    docs = [
        Document(
            organisation=org,
            ref=f"DOC-{n:05d}",
            title=f"Document {n}",
            kind=rng.choice(KINDS),
            status="published",
            owner=org_owner,
            review_months=12,
            next_review=today + dt.timedelta(days=rng.randint(-60, 365)),
        )
        for n in range(1, documents + 1)
    ]
    Document.objects.bulk_create(docs, batch_size=500, audit_summary="benchmark documents")
    reserve_at_least(org, "DOC", documents)
    body = (
        "# Purpose\n\n" + "Lorem ipsum dolor sit amet. " * 60 + "\n\n## Rules\n\n1. One\n2. Two\n"
    )
    versions = [
        DocumentVersion(
            organisation=org,
            document=d,
            number=1,
            status="published",
            content=body,
            change_summary="First issue",
            author=manager_login,
            published_at=timezone.now(),
        )
        for d in docs
    ]
    DocumentVersion.objects.bulk_create(versions, batch_size=500, audit_summary="benchmark")
    for d, v in zip(docs, versions, strict=True):
        d.latest_version = d.published_version = v
    # Linking the versions back is bookkeeping of the generator, not a change anyone made: a
    # plain queryset skips the per-row audit entries (the bulk inserts above each left one).
    QuerySet(model=Document).bulk_update(
        docs, ["latest_version", "published_version"], batch_size=500
    )
    acks = [
        Acknowledgement(
            organisation=org,
            version=versions[0],
            person=p,
            acknowledged_at=timezone.now() if rng.random() < 0.7 else None,
        )
        for p in people
    ]
    Acknowledgement.objects.bulk_create(acks, batch_size=500, audit_summary="benchmark acks")
    course = Course.objects.create(title="Security awareness", kind="awareness", pass_score=80)
    campaign = Campaign.objects.create(
        name="Annual awareness", course=course, audience_all=True, status="running",
        starts_on=today - dt.timedelta(days=40), due_on=today - dt.timedelta(days=5),
    )  # fmt: skip
    assignments = []
    for p in people:
        done = rng.random() < 0.6
        assignments.append(
            TrainingAssignment(
                organisation=org,
                person=p,
                course=course,
                campaign=campaign,
                due_on=campaign.due_on,
                status="completed" if done else "assigned",
                completed_on=today - dt.timedelta(days=rng.randint(6, 30)) if done else None,
                score=rng.randint(80, 100) if done else None,
            )  # fmt: skip
        )
    TrainingAssignment.objects.bulk_create(assignments, batch_size=500, audit_summary="bench")
    role = IsmsRole.objects.order_by("order").last() or IsmsRole.objects.create(name="All staff")
    role.holders.add(*people)
    return {"document_id": str(docs[0].pk), "campaign_id": str(campaign.pk)}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    setup_django(args.database_url)
    from django.db import connection

    from openisms.core.context import Actor, acting_as, org_context
    from openisms.core.models import Organisation
    from openisms.core.services.organisations import create_organisation

    prepare_database()
    with acting_as(Actor(user_id=None, label="benchmark")):
        org = Organisation.objects.filter(slug=args.slug).first()
        if org is not None:
            sys.exit(f"Organisation “{args.slug}” exists: use a fresh OPENISMS_HOME / database.")
        start = time.perf_counter()
        org = create_organisation(args.slug, "Benchmark Support plc")
        ensure_users(org)
        with org_context(org):
            ids = generate(args.documents, args.staff, args.seed)
        seconds = time.perf_counter() - start
    print(f"generated in {seconds:.1f} s", flush=True)
    if args.analyze:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    by_client = clients(org)
    endpoints = {}
    for name, url, client, repeat_key in ENDPOINTS:
        url = url.format(slug=args.slug, **ids)
        repeat = getattr(args, repeat_key)
        warmup = args.warmup if repeat_key == "repeat" else 1
        endpoints[name] = measure(by_client[client], url, repeat, warmup)
        row = endpoints[name]
        shown = (
            f"{row['median_ms']:>8.1f} / {row['p95_ms']:>8.1f} ms  {row['bytes'] / 1024:>6.0f} kB"
            if row["status"] == 200
            else f"HTTP {row['status']} {row.get('error', '')}"
        )
        print(f"  {name:<20} {shown}", flush=True)
    result = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "documents": args.documents,
        "staff": args.staff,
        "machine": machine(),
        "generation_seconds": round(seconds, 1),
        "analyzed": args.analyze,
        "endpoints": endpoints,
    }
    suffix = f"{connection.vendor}{'-analyze' if args.analyze else ''}"
    output = Path(args.output or HERE / f"results-support-{suffix}.json")
    output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"written to {output}")
    return 0 if all(row["status"] == 200 for row in endpoints.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
