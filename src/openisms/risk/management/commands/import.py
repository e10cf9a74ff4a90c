"""``openisms import assets|risks --org SLUG FILE``: the web import, from a shell."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from openisms.core.context import acting_as, org_context
from openisms.core.management.base import cli_actor, get_org
from openisms.risk.io import columns as C
from openisms.risk.io.importer import OWNERS, run_import
from openisms.risk.io.jobs import read_path
from openisms.risk.io.reader import FileRejected
from openisms.risk.io.resolve import CREATE
from openisms.risk.io.suggest import with_suggestions


class Command(BaseCommand):
    help = "Import the asset inventory or the risk register from an .xlsx or .csv file."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=C.IMPORT_KINDS)
        parser.add_argument("file", help="an .xlsx or .csv file (at most 5 MB)")
        parser.add_argument("--org", required=True, help="organisation slug")
        parser.add_argument(
            "--dry-run", action="store_true", help="check every row and report; change nothing"
        )
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="HEADER=FIELD",
            help=f"read their column HEADER as FIELD (or {C.IGNORE}); repeatable",
        )
        parser.add_argument(
            "--create-missing-owners",
            action="store_true",
            help="create owner names that match nobody in the people register as people "
            "(without a login); without it such names are listed and nothing is imported",
        )

    def handle(self, *args, **opts):
        kind = opts["kind"]
        mapping = self._mapping(kind, opts["map"])
        if opts["create_missing_owners"]:
            mapping[f"{OWNERS}*"] = CREATE
        org = get_org(opts["org"])
        try:
            table = read_path(opts["file"])
        except FileRejected as exc:
            raise CommandError(exc.message)
        if not mapping:
            # Without --map, headers that plainly name one of our columns are read as it.
            mapping = with_suggestions(kind, table.headers, {})
            for header in table.headers:
                if C.header_key(header) in mapping:
                    field = mapping[C.header_key(header)]
                    self.stdout.write(f"Reading “{header}” as {field} (suggested; see --map).")
        with acting_as(cli_actor()), org_context(org):
            report = run_import(kind, table, mapping=mapping, dry_run=opts["dry_run"])
        if report.needs_mapping:
            lines = report.error_lines()
            raise CommandError(
                f"Needs mapping: {len(report.unmapped)} column(s) not known; nothing was imported. "
                f"Map each with --map “Header=field” (or {C.IGNORE}).\n" + "\n".join(lines)
            )
        if report.errors:
            lines = report.error_lines()
            raise CommandError(
                f"{len(lines)} problem(s); nothing was imported.\n" + "\n".join(lines)
            )
        prefix = "Dry run, nothing changed. " if opts["dry_run"] else ""
        self.stdout.write(prefix + report.summary())

    @staticmethod
    def _mapping(kind: str, pairs: list[str]) -> dict[str, str]:
        allowed = set(C.importable_fields(kind)) | {C.IGNORE}
        mapping = {}
        for pair in pairs:
            header, sep, field = pair.rpartition("=")
            field = field.strip()
            if not sep or not header.strip():
                raise CommandError(f"--map takes “Their header=field”, not “{pair}”.")
            if field not in allowed:
                raise CommandError(
                    f"--map “{pair}”: {field or '(nothing)'} is not a column; use one of: "
                    + ", ".join(sorted(allowed))
                    + "."
                )
            mapping[C.header_key(header)] = field
        return mapping
