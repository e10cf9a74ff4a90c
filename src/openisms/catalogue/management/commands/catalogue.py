from __future__ import annotations

import csv
import json

from django.core.management.base import BaseCommand, CommandError

from openisms.catalogue.loader import load_all
from openisms.catalogue.models import Framework, Requirement


def node(req: Requirement) -> dict:
    return {
        "ref": req.ref,
        "title": req.title,
        "kind": req.kind,
        "theme": req.theme or None,
        "parent": req.parent.ref if req.parent_id else None,
        "attributes": req.attributes,
    }


class Command(BaseCommand):
    help = "List, show and load the frameworks of the catalogue."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="the frameworks and their node counts")
        show = sub.add_parser("show", help="every node of one framework")
        show.add_argument("framework", help="framework slug, e.g. iso27001-2022")
        show.add_argument("--format", choices=["table", "json", "csv"], default="table")
        show.add_argument("--kind", choices=["clause", "control"])
        sub.add_parser("load", help="load or update the shipped frameworks (idempotent)")

    def handle(self, *args, **opts):
        action = opts["action"]
        if action == "load":
            report = load_all()
            self.stdout.write(
                f"Catalogue loaded: {report.frameworks} frameworks, {report.created} created, "
                f"{report.updated} updated, {report.removed} removed, {report.mappings} mappings."
            )
            return
        if action == "list":
            frameworks = Framework.objects.order_by("slug")
            if not frameworks:
                self.stdout.write("The catalogue is empty: run `openisms catalogue load`.")
            for fw in frameworks:
                clauses = fw.requirements.filter(kind="clause").count()
                controls = fw.requirements.filter(kind="control").count()
                self.stdout.write(f"{fw.slug}\t{fw.name}\t{clauses} clauses\t{controls} controls")
            return
        try:
            fw = Framework.objects.get(slug=opts["framework"])
        except Framework.DoesNotExist:
            known = ", ".join(Framework.objects.values_list("slug", flat=True)) or "none loaded"
            raise CommandError(f"Unknown framework “{opts['framework']}” (known: {known}).")
        reqs = fw.requirements.select_related("parent").order_by("order")
        if opts["kind"]:
            reqs = reqs.filter(kind=opts["kind"])
        nodes = [node(r) for r in reqs]
        fmt = opts["format"]
        if fmt == "json":
            doc = {"framework": fw.slug, "name": fw.name, "count": len(nodes), "nodes": nodes}
            self.stdout.write(json.dumps(doc, indent=2, ensure_ascii=False))
        elif fmt == "csv":
            writer = csv.writer(self.stdout, lineterminator="\n")
            writer.writerow(["ref", "title", "kind", "theme", "parent", "attributes"])
            for n in nodes:
                attrs = "; ".join(f"{k}={','.join(v)}" for k, v in n["attributes"].items())
                writer.writerow(
                    [n["ref"], n["title"], n["kind"], n["theme"] or "", n["parent"] or "", attrs]
                )
        else:
            for n in nodes:
                self.stdout.write(
                    f"{n['ref']:<10} {n['kind']:<8} {n['theme'] or '':<14} {n['title']}"
                )
