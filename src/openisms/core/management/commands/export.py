"""``openisms export KIND --org SLUG --format FMT --output FILE [--ref REF] [--version N]``.

Kinds are registered by the domain apps (``core.exports.register_cli_export``): the risk module's
assets, risks and treatment plan, the documents module's document and document register, …
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from openisms.core.context import acting_as, org_context
from openisms.core.exports import CLI_EXPORTS
from openisms.core.management.base import cli_actor, get_org


class Command(BaseCommand):
    help = "Export records of an organisation to a file (XLSX, CSV, DOCX, PDF)."

    def add_base_argument(self, parser, *args, **kwargs):
        # Django's own --version (the framework's version) would shadow the record's version.
        if "--version" not in args:
            super().add_base_argument(parser, *args, **kwargs)

    def add_arguments(self, parser):
        kinds = sorted(CLI_EXPORTS)
        parser.add_argument(
            "kind",
            choices=kinds,
            help="; ".join(f"{k}: {CLI_EXPORTS[k].help}" for k in kinds),
        )
        parser.add_argument("--org", required=True, help="organisation slug")
        parser.add_argument("--format", dest="fmt", default=None, help="file format")
        parser.add_argument("--output", required=True, help="file to write")
        parser.add_argument("--ref", default=None, help="reference of the record (e.g. DOC-0001)")
        parser.add_argument("--version", dest="record_version", type=int, default=None)

    def handle(self, *args, **opts):
        export = CLI_EXPORTS[opts["kind"]]
        fmt = opts["fmt"] or export.formats[0]
        if fmt not in export.formats:
            raise CommandError(
                f"{opts['kind']} exports as {', '.join(export.formats)}, not “{fmt}”."
            )
        if export.needs_ref and not opts["ref"]:
            raise CommandError("Say which one with --ref (e.g. --ref DOC-0001).")
        org = get_org(opts["org"])
        options = {"ref": opts["ref"], "version": opts["record_version"]}
        with acting_as(cli_actor()), org_context(org):
            content, summary = export.produce(org, fmt, options)
        output = Path(opts["output"])
        try:
            output.write_bytes(content)
        except OSError as exc:
            raise CommandError(f"Cannot write {output}: {exc.strerror or exc}.")
        self.stdout.write(f"Wrote {summary} to {output}.")
