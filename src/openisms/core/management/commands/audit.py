from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from openisms.core.audit_anchors import AnchorError, build_anchor, dump_anchor, load_anchor
from openisms.core.audit_trail import verify_report
from openisms.core.management.base import get_org
from openisms.core.models.audit import chain_key


class Command(BaseCommand):
    help = (
        "Check the audit trail's keyed hash chains (exits 1 if anything was tampered with), "
        "or write their current heads as an anchor to keep outside the install."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        ver = sub.add_parser("verify", help="recompute every hash chain")
        ver.add_argument("--org", help="only this organisation's chain")
        ver.add_argument(
            "--anchor", metavar="FILE", help="also prove the chains still extend this anchor"
        )
        anc = sub.add_parser("anchor", help="write the chain heads as JSON for safekeeping")
        anc.add_argument("--org", help="only this organisation's chain")
        anc.add_argument("--output", metavar="FILE", help="write here instead of stdout")

    def handle(self, *args, **opts):
        chain = chain_key(get_org(opts["org"])) if opts.get("org") else None
        if opts["action"] == "anchor":
            return self._anchor(chain, opts.get("output"))
        anchor = _read_anchor(opts["anchor"]) if opts.get("anchor") else None
        report = verify_report(chain, anchor)
        for problem in report.problems:
            self.stderr.write(f"TAMPERED {problem}")
        if report.problems:
            raise CommandError(
                f"Audit trail verification failed: {len(report.problems)} problem(s) in "
                f"{report.checked} entries."
            )
        anchored = f"; {report.anchored} anchored head(s) still in place" if anchor else ""
        self.stdout.write(
            f"Audit trail intact: {report.checked} entries verified ({report.keyed} keyed, "
            f"audit key from {report.key_source}, fingerprint {report.key_fingerprint})"
            f"{anchored}."
        )

    def _anchor(self, chain: str | None, output: str | None) -> None:
        # Anchoring a chain that already fails would certify the tampering.
        report = verify_report(chain)
        if report.problems:
            for problem in report.problems:
                self.stderr.write(f"TAMPERED {problem}")
            raise CommandError("Not anchoring: the audit trail fails verification.")
        text = dump_anchor(build_anchor(chain))
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stderr.write(f"Anchor written to {output}: keep it outside this install.")
        else:
            self.stdout.write(text, ending="")


def _read_anchor(path: str):
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise CommandError(f"Cannot read the anchor file {path}: {exc.strerror}.") from exc
    try:
        return load_anchor(text)
    except AnchorError as exc:
        raise CommandError(f"{path} is not a usable anchor: {exc}.") from exc
