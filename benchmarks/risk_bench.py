"""Risk module at scale: generate a large organisation, then time its heaviest pages.

    OPENISMS_HOME=/tmp/bench .venv/bin/python benchmarks/risk_bench.py \
        [--assets 10000 --risks 50000] [--database-url postgres://…]

1. migrates and loads the catalogue into the data directory / database;
2. creates organisation ``bench`` with the requested assets and risks (bulk inserts, see
   ``bench_data.py``) — or reuses it when it already holds exactly that many;
3. times N requests per endpoint through Django's test client (in process: no network, no
   server, so the figures are the application's own cost);
4. prints median and p95 per endpoint and writes them to ``benchmarks/results-<db>.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # run as a plain script: make `benchmarks.` importable

SLUG = "bench"
ENDPOINTS = [  # name, url (relative to the organisation or the API), client, repetitions key
    ("register page", "/o/{slug}/risk/register/", "web", "repeat"),
    ("heat map page", "/o/{slug}/risk/", "web", "repeat"),
    ("heat map SVG", "/o/{slug}/risk/heatmap/inherent.svg", "web", "repeat"),
    ("API risk list", "/api/v1/risk/risks?limit=50", "api", "repeat"),
    ("XLSX export", "/o/{slug}/risk/export/risks.xlsx", "web", "export_repeat"),
    # The SoA of the live state: 93 controls, each with its risks counted and listed from the
    # whole register.
    ("SoA XLSX export", "/o/{slug}/controls/soa/export.xlsx?version=draft", "web", "export_repeat"),
    ("SoA DOCX export", "/o/{slug}/controls/soa/export.docx?version=draft", "web", "export_repeat"),
    ("SoA PDF export", "/o/{slug}/controls/soa/export.pdf?version=draft", "web", "export_repeat"),
]
BENCH_USERS = [  # username, role, how many
    ("bench-owner", "owner", 1),
    ("bench-manager", "isms_manager", 3),
    ("bench-contributor", "contributor", 36),
    ("bench-approver", "approver", 2),
    ("bench-viewer", "viewer", 3),
]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--assets", type=int, default=10_000)
    parser.add_argument("--risks", type=int, default=50_000)
    parser.add_argument("--database-url", help="default: DATABASE_URL, else SQLite in the home")
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per endpoint")
    parser.add_argument("--export-repeat", type=int, default=3, help="timed exports")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests first")
    parser.add_argument("--slug", default=SLUG)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--output", help="default: benchmarks/results-<db>[-analyze].json")
    parser.add_argument("--generate-only", action="store_true")
    parser.add_argument(
        "--analyze",
        action="store_true",
        help="refresh the planner statistics (ANALYZE) before timing; off by default because "
        "an install does not do it on its own",
    )
    return parser.parse_args(argv)


def setup_django(database_url: str | None) -> None:
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openisms.settings")
    import django
    from django.conf import settings

    django.setup()
    # The test client talks to "testserver"; nothing else about the settings changes, so the
    # figures are production behaviour (DEBUG off, no query logging, no template signals).
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]


def prepare_database() -> float:
    from django.core.management import call_command

    from openisms.catalogue.loader import load_all

    start = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    load_all()
    return time.perf_counter() - start


def ensure_users(org: Any) -> dict[str, Any]:
    from django.contrib.auth import get_user_model

    from openisms.core.models import Membership
    from openisms.core.services.organisations import set_membership

    User = get_user_model()
    users = {}
    for prefix, role, count in BENCH_USERS:
        for n in range(1, count + 1):
            name = f"{prefix}-{n}"
            user = User.objects.filter(username=name).first()
            if user is None:
                user = User(username=name, email=f"{name}@bench.example")
                user.set_unusable_password()  # log in only through force_login / tokens
                user.save()
            if not Membership.objects.filter(organisation=org, user=user).exists():
                set_membership(org, user, role)
            users[name] = user
    return users


def generate_org(slug: str, assets: int, risks: int, seed: int) -> tuple[Any, dict[str, Any]]:
    """The benchmark organisation with exactly ``assets``/``risks``, and how it was made.

    The generation figures are kept in the data directory, so a run that reuses the
    organisation still reports how long it took to generate."""
    from benchmarks.bench_data import generate
    from django.conf import settings
    from django.db import connection

    from openisms.core.context import Actor, acting_as, org_context
    from openisms.core.models import Organisation
    from openisms.core.services.organisations import create_organisation
    from openisms.risk.models import Asset, Risk

    with acting_as(Actor(user_id=None, label="benchmark")):
        org = Organisation.objects.filter(slug=slug).first()
        if org is not None:
            with org_context(org):
                have = (Asset.objects.count(), Risk.objects.count())
            if have != (assets, risks):
                sys.exit(
                    f"Organisation “{slug}” already holds {have[0]} assets and {have[1]} risks; "
                    f"use a fresh OPENISMS_HOME / database or another --slug."
                )
            stash = settings.HOME / f"bench-{slug}-{connection.vendor}.json"
            earlier = json.loads(stash.read_text()) if stash.exists() else {"seconds": None}
            return org, {**earlier, "reused": True}
        start = time.perf_counter()
        org = create_organisation(slug, "Benchmark Manufacturing plc")
        ensure_users(org)
        with org_context(org):
            made = generate(assets=assets, risks=risks, seed=seed)
        seconds = time.perf_counter() - start
    generation = {"seconds": round(seconds, 2), **vars(made)}
    (settings.HOME / f"bench-{slug}-{connection.vendor}.json").write_text(json.dumps(generation))
    return org, {**generation, "reused": False}


def clients(org: Any) -> dict[str, Any]:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from openisms.core.context import Actor, acting_as
    from openisms.core.services.tokens import issue_token

    user = get_user_model().objects.get(username="bench-manager-1")
    # raise_request_exception off: a failing view is a figure (500), not a crashed benchmark.
    web = Client(raise_request_exception=False)
    web.force_login(user)
    with acting_as(Actor(user_id=None, label="benchmark")):
        _, raw = issue_token(user, org, f"benchmark {dt.datetime.now():%Y-%m-%d %H:%M:%S}")
    return {
        "web": web,
        "api": Client(headers={"Authorization": f"Bearer {raw}"}, raise_request_exception=False),
    }


def fetch(client: Any, url: str) -> tuple[int, int]:
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, len(body)


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile: with 30 samples p95 is the 29th fastest."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def measure(client: Any, url: str, repeat: int, warmup: int) -> dict[str, Any]:
    try:
        return _measure(client, url, repeat, warmup)
    except Exception as exc:  # one broken endpoint must not hide the others' figures
        return {"url": url, "status": "error", "n": 0, "error": repr(exc)[:300]}


def _measure(client: Any, url: str, repeat: int, warmup: int) -> dict[str, Any]:
    for _ in range(warmup):
        status, size = fetch(client, url)
        if status != 200:
            return {"url": url, "status": status, "n": 0}
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        status, size = fetch(client, url)
        times.append((time.perf_counter() - start) * 1000)
        if status != 200:
            return {"url": url, "status": status, "n": len(times)}
    return {
        "url": url,
        "status": 200,
        "n": repeat,
        "bytes": size,
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(percentile(times, 95), 1),
        "min_ms": round(min(times), 1),
    }


def machine() -> dict[str, Any]:
    from django.db import connection

    pg_version = connection.pg_version if connection.vendor == "postgresql" else 0
    return {
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "database": f"{connection.vendor} {connection.Database.sqlite_version}"
        if connection.vendor == "sqlite"
        else f"{connection.vendor} {pg_version // 10000}.{pg_version % 10000}",
    }


def report(result: dict[str, Any]) -> str:
    gen = result["generation"]
    lines = [
        f"{result['assets']:,} assets, {result['risks']:,} risks on {result['machine']['database']}"
        f" ({result['machine']['cpus']} CPUs), {result['date']}",
        "generation: "
        + (f"{gen['seconds']:.1f} s" if gen["seconds"] is not None else "unknown")
        + (" (earlier run; organisation reused)" if gen["reused"] else "")
        + ("; planner statistics refreshed (ANALYZE)" if result["analyzed"] else ""),
        "",
        f"{'endpoint':<16} {'median ms':>10} {'p95 ms':>10} {'n':>4} {'size':>10}  url",
    ]
    for name, row in result["endpoints"].items():
        if row["status"] != 200:
            failed = f"HTTP {row['status']}" if row["status"] != "error" else "error"
            lines.append(f"{name:<16} {failed:>21} {'':>15}  {row['url']}")
            continue
        lines.append(
            f"{name:<16} {row['median_ms']:>10.1f} {row['p95_ms']:>10.1f} {row['n']:>4} "
            f"{row['bytes'] / 1024:>8.0f}kB  {row['url']}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    setup_django(args.database_url)
    from django.db import connection

    prepare_seconds = prepare_database()
    org, generation = generate_org(args.slug, args.assets, args.risks, args.seed)
    print(
        f"database ready in {prepare_seconds:.1f} s; generation: "
        + ("reused" if generation["reused"] else f"{generation['seconds']:.1f} s"),
        flush=True,
    )
    if args.generate_only:
        return 0
    if args.analyze:
        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"ANALYZE took {time.perf_counter() - start:.1f} s", flush=True)
    by_client = clients(org)
    endpoints = {}
    for name, url, client, repeat_key in ENDPOINTS:
        url = url.format(slug=args.slug)
        repeat = getattr(args, repeat_key)
        # The export takes minutes at full size and shares its code paths with the pages timed
        # before it: it is not warmed up (the first export only adds openpyxl's import).
        warmup = args.warmup if repeat_key == "repeat" else 0
        endpoints[name] = measure(by_client[client], url, repeat, warmup)
        print(f"  {name}: {endpoints[name]}", flush=True)
    result = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "assets": args.assets,
        "risks": args.risks,
        "machine": machine(),
        "generation": generation,
        "analyzed": args.analyze,
        "endpoints": endpoints,
    }
    print()
    print(report(result))
    output = Path(
        args.output
        or HERE / f"results-{connection.vendor}{'-analyze' if args.analyze else ''}.json"
    )
    output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"\nwritten to {output}")
    return 0 if all(row["status"] == 200 for row in endpoints.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
