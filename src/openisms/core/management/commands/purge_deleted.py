from __future__ import annotations

from django.core.management.base import BaseCommand

from openisms.core.services.deletion import purge_expired
from openisms.core.softdelete import RETENTION_DAYS


class Command(BaseCommand):
    help = (
        f"Remove for good the records deleted more than {RETENTION_DAYS} days ago (every "
        "organisation; each purge is audited). `openisms serve` runs this daily."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="only list what would go")

    def handle(self, *args, **opts):
        report = purge_expired(dry_run=opts["dry_run"])
        verb = "Would purge" if opts["dry_run"] else "Purged"
        for line in report.purged:
            self.stdout.write(f"{verb} {line}")
        for line in report.kept:
            self.stdout.write(f"Kept (still referenced) {line}")
        self.stdout.write(f"{verb} {len(report.purged)} record(s); kept {len(report.kept)}.")
