"""``openisms export assets|risks|treatment-plan --org SLUG --format xlsx|csv --output FILE``."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from openisms.core.context import acting_as, org_context
from openisms.core.management.base import cli_actor, get_org
from openisms.risk.io import columns as C
from openisms.risk.io import exporter


class Command(BaseCommand):
    help = "Export the asset inventory, the risk register or the treatment plan."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=C.EXPORT_KINDS)
        parser.add_argument("--org", required=True, help="organisation slug")
        parser.add_argument("--format", dest="fmt", choices=C.FORMATS, default="xlsx")
        parser.add_argument("--output", required=True, help="file to write")

    def handle(self, *args, **opts):
        kind, fmt = opts["kind"], opts["fmt"]
        org = get_org(opts["org"])
        with acting_as(cli_actor()), org_context(org):
            data = exporter.rows(kind)
            content = exporter.to_xlsx(kind, data) if fmt == "xlsx" else exporter.to_csv(kind, data)
        output = Path(opts["output"])
        try:
            output.write_bytes(content)
        except OSError as exc:
            raise CommandError(f"Cannot write {output}: {exc.strerror or exc}.")
        self.stdout.write(f"Wrote {len(data)} {C.LABELS[kind]} to {output}.")
