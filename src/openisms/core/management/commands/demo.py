from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand

from openisms.core.demo import DEMO_PASSWORD, ensure_demo


class Command(BaseCommand):
    help = (
        "Migrate, load the catalogue, create or update the demo organisation, "
        "print the logins, then serve."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-serve", action="store_true", help="stop after printing the logins"
        )
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args, **opts):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("catalogue", "load", stdout=self.stdout)
        report = ensure_demo()
        self.stdout.write("")
        org = report.organisation
        self.stdout.write(f"Demo organisation “{org.name}” (slug {org.slug}) is ready.")
        self.stdout.write(
            f"Log in at http://{opts['host']}:{opts['port']}/ with any of these users:"
        )
        for username, role, created in report.users:
            note = "" if created else "  (existing; password unchanged)"
            self.stdout.write(f"  {username:<12} {role:<34} password: {DEMO_PASSWORD}{note}")
        self.stdout.write(
            "The demo password is public: never use the demo users on a real install."
        )
        if not opts["no_serve"]:
            call_command("serve", host=opts["host"], port=opts["port"], no_migrate=True)
