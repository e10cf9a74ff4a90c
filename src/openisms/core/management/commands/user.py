from __future__ import annotations

import datetime as dt
import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from openisms.core.context import acting_as, org_context
from openisms.core.management.base import cli_actor, get_org
from openisms.core.models import Membership
from openisms.core.permissions import Role
from openisms.core.services.organisations import create_user, set_membership


class Command(BaseCommand):
    help = "Give users roles in organisations."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="create the user if needed and give them a role")
        add.add_argument("username")
        add.add_argument("--org", required=True, help="organisation slug")
        add.add_argument("--role", required=True, choices=Role.values)
        add.add_argument("--email", default="")
        add.add_argument(
            "--expires", help="YYYY-MM-DD; required sense for auditors (default 90 days)"
        )
        add.add_argument("--password", help="initial password for a new user (default: generated)")
        add.add_argument("--superuser", action="store_true", help="may create organisations")
        lst = sub.add_parser("list", help="list the members of an organisation")
        lst.add_argument("--org", required=True)

    def handle(self, *args, **opts):
        org = get_org(opts["org"])
        if opts["action"] == "list":
            for m in Membership.objects.filter(organisation=org).select_related("user"):
                expiry = f"\texpires {m.expires_at:%Y-%m-%d}" if m.expires_at else ""
                self.stdout.write(f"{m.user.username}\t{m.role}{expiry}")
            return
        expires = None
        if opts["expires"]:
            try:
                day = dt.date.fromisoformat(opts["expires"])
            except ValueError:
                raise CommandError("--expires must look like 2027-03-31.")
            expires = timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59)))
        User = get_user_model()
        with acting_as(cli_actor()), org_context(org):
            user = User.objects.filter(username=opts["username"]).first()
            try:
                if user is None:
                    password = opts["password"] or secrets.token_urlsafe(12)
                    user = create_user(opts["username"], password, email=opts["email"])
                    self.stdout.write(f"Created user {user.username} with password: {password}")
                if opts["superuser"] and not user.is_superuser:
                    user.is_superuser = user.is_staff = True
                    user.save()
                membership = set_membership(org, user, opts["role"], expires_at=expires)
            except ValidationError as exc:
                raise CommandError("; ".join(exc.messages))
        self.stdout.write(f"{user.username} is {membership.get_role_display()} in {org.slug}.")
