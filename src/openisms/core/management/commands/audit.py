from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from openisms.core.audit_trail import verify
from openisms.core.management.base import get_org
from openisms.core.models.audit import chain_key


class Command(BaseCommand):
    help = "Check the audit trail's hash chains; exits non-zero if anything was tampered with."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        ver = sub.add_parser("verify", help="recompute every hash chain")
        ver.add_argument("--org", help="only this organisation's chain")

    def handle(self, *args, **opts):
        chain = chain_key(get_org(opts["org"])) if opts.get("org") else None
        checked, problems = verify(chain)
        for problem in problems:
            self.stderr.write(f"TAMPERED {problem}")
        if problems:
            raise CommandError(
                f"Audit trail verification failed: {len(problems)} problem(s) in {checked} entries."
            )
        self.stdout.write(f"Audit trail intact: {checked} entries verified.")
