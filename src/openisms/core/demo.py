"""The demo organisation: one user per role, so a newcomer can try every view.

Idempotent: what exists is left as it is (passwords included); only what is missing is created.
Domain apps add their demo records through :data:`DEMO_BUILDERS`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from openisms.core.context import Actor, acting_as, org_context
from openisms.core.models import Membership, Organisation
from openisms.core.permissions import Role
from openisms.core.services.organisations import create_organisation, set_membership

DEMO_SLUG = "demo"
DEMO_NAME = "Demo Manufacturing Ltd"
DEMO_PASSWORD = "openisms-demo"
DEMO_USERS = [
    ("owner", Role.OWNER, "Olivia Owner"),
    ("manager", Role.ISMS_MANAGER, "Max Manager"),
    ("contributor", Role.CONTRIBUTOR, "Chris Contributor"),
    ("approver", Role.APPROVER, "Alex Approver"),
    ("auditor", Role.AUDITOR, "Ada Auditor"),
    ("viewer", Role.VIEWER, "Val Viewer"),
]

# Domain apps append callables taking the demo organisation (run inside its context).
DEMO_BUILDERS: list[Callable[[Organisation], None]] = []


@dataclass
class DemoReport:
    organisation: Organisation
    users: list[tuple[str, str, bool]] = field(default_factory=list)


def ensure_demo() -> DemoReport:
    User = get_user_model()
    with acting_as(Actor(user_id=None, label="openisms demo")), transaction.atomic():
        org = Organisation.objects.filter(slug=DEMO_SLUG).first()
        if org is None:
            org = create_organisation(DEMO_SLUG, DEMO_NAME)
        report = DemoReport(organisation=org)
        for username, role, full_name in DEMO_USERS:
            user = User.objects.filter(username=username).first()
            created = user is None
            if created:
                first, last = full_name.split(" ", 1)
                user = User(
                    username=username,
                    first_name=first,
                    last_name=last,
                    email=f"{username}@demo.example",
                )
                user.set_password(DEMO_PASSWORD)
                if role == Role.OWNER:
                    user.is_staff = user.is_superuser = True
                user.save()
            membership = Membership.objects.filter(organisation=org, user=user).first()
            if membership is None:
                expires = timezone.now() + dt.timedelta(days=365) if role == Role.AUDITOR else None
                set_membership(org, user, role, expires_at=expires)
            elif membership.is_expired:
                set_membership(
                    org, user, membership.role, expires_at=timezone.now() + dt.timedelta(days=365)
                )
            report.users.append((username, Role(role).label, created))
        with org_context(org):
            for builder in DEMO_BUILDERS:
                builder(org)
    return report
