from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from openisms.core.context import acting_as
from openisms.core.management.base import cli_actor
from openisms.core.models import Membership, Organisation
from openisms.core.services.organisations import create_organisation


class Command(BaseCommand):
    help = "Create and list organisations."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create an organisation")
        create.add_argument("slug")
        create.add_argument("--name", required=True)
        create.add_argument("--owner", help="username of its first owner")
        sub.add_parser("list", help="list organisations with their member counts")

    def handle(self, *args, **opts):
        if opts["action"] == "create":
            owner = None
            if opts["owner"]:
                owner = get_user_model().objects.filter(username=opts["owner"]).first()
                if owner is None:
                    raise CommandError(
                        f"No user “{opts['owner']}”. Create it with `openisms user add`."
                    )
            with acting_as(cli_actor()):
                try:
                    org = create_organisation(opts["slug"], opts["name"], owner=owner)
                except ValidationError as exc:
                    raise CommandError("; ".join(exc.messages))
            self.stdout.write(f"Created organisation {org.slug} ({org.name}).")
            return
        rows = Organisation.objects.order_by("slug")
        if not rows:
            self.stdout.write(
                "No organisations yet. Create one with `openisms org create SLUG --name NAME`."
            )
        for org in rows:
            members = Membership.objects.active().filter(organisation=org).count()
            state = "" if org.is_active else " (inactive)"
            self.stdout.write(f"{org.slug}\t{org.name}\t{members} active member(s){state}")
