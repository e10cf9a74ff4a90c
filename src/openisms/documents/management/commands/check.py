"""``openisms check``: Django's system checks, plus ``check documents --org SLUG``, the mandatory
documented information checklist of one organisation (exit status 1 while an item is missing).
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandError
from django.core.management.commands.check import Command as SystemCheckCommand

from openisms.core.context import acting_as, org_context
from openisms.core.management.base import cli_actor, get_org


class Command(SystemCheckCommand):
    help = (
        "Checks the project for problems (Django's system checks). "
        "`check documents --org SLUG [--format text|json]` instead lists the organisation's "
        "mandatory documented information with each item's status; it exits 1 if any is missing."
    )

    def add_arguments(self, parser: Any) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--org", help="with the label `documents`: check this organisation's documents"
        )
        parser.add_argument(
            "--format", choices=["text", "json"], default="text", help="checklist output format"
        )

    def handle(self, *app_labels: str, **options: Any) -> None:
        if options.get("org"):
            if list(app_labels) != ["documents"]:
                raise CommandError("--org applies only to `openisms check documents --org SLUG`.")
            return self.checklist(get_org(options["org"]), options["format"])
        return super().handle(*app_labels, **options)

    def checklist(self, org: Any, fmt: str) -> None:
        from openisms.documents import checklist

        with org_context(org), acting_as(cli_actor()):
            results = checklist.evaluate()
        counts = checklist.summary(results)
        if fmt == "json":
            self.stdout.write(json.dumps(_as_json(org, results, counts), indent=2))
        else:
            self.stdout.write(_as_text(org, results, counts))
        if counts["missing"]:
            if fmt == "text":
                self.stderr.write(
                    f"{counts['missing']} mandatory item(s) missing: the organisation is not "
                    "ready for a Stage 1 audit."
                )
            raise SystemExit(1)


def _as_json(org: Any, results: list, counts: dict[str, Any]) -> dict[str, Any]:
    return {
        "organisation": org.slug,
        "summary": counts,
        "items": [
            {
                "key": r.key,
                "clause": r.clause,
                "title": r.title,
                "status": r.status,
                "status_label": r.status_label,
                "in_place": r.in_place,
                "reference": r.reference,
                "url": r.url,
                "detail": r.detail,
                "todo": r.todo,
                "todo_url": r.todo_url,
                "linked_documents": [ld.evidence.reference for ld in r.links],
            }
            for r in results
        ],
    }


def _as_text(org: Any, results: list, counts: dict[str, Any]) -> str:
    clause_w = max(len(r.clause) for r in results)
    title_w = max(len(r.title) for r in results)
    status_w = max(len(r.status) for r in results)
    lines = [f"Mandatory documented information of {org.name} ({org.slug})", ""]
    indent = " " * (clause_w + 2)
    for r in results:
        ref = r.reference or "—"
        lines.append(f"{r.clause:<{clause_w}}  {r.title:<{title_w}}  {r.status:<{status_w}}  {ref}")
        if not r.in_place:
            where = f" ({r.todo_url})" if r.todo_url else ""
            lines.append(f"{indent}what to do: {r.todo}{where}")
    lines += [
        "",
        f"{counts['in_place']} of {counts['total']} in place ({counts['approved']} approved, "
        f"{counts['recorded']} recorded); {counts['overdue']} review overdue, "
        f"{counts['draft']} draft, {counts['missing']} missing.",
    ]
    return "\n".join(lines)
