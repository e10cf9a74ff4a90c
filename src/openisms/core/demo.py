"""The demo organisation: one user per role, so a newcomer can try every view.

Idempotent: what exists is left as it is (passwords included); only what is missing is created.
Domain apps add their demo records through :data:`DEMO_BUILDERS`.

The demo tells the story of an ISMS built over the last year (scope, policies, risk method, risk
assessment, treatment plan, SoA). A builder returns :class:`DemoStep` items saying *when* each
part happened; they run in date order under a shifted clock, so every timestamp the services
write — records, approvals, the audit trail — tells the same story, in the order the audit
trail's sequence numbers show. A builder that returns nothing did its work when called, at the
start of the story.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

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


class When:
    """The demo's story, in days before today: each builder dates its steps from here, so the
    order an auditor checks holds (scope approved → policies approved, then published → risk
    method approved → risk assessment → treatment plan approved → SoA frozen, then approved)."""

    SETUP = 340  # the organisation and its users
    STAFF = 336
    ROLES = 335
    CONTEXT = 320
    SCOPE_APPROVED = 318
    POLICIES_DRAFTED = 310
    POLICIES_SUBMITTED = 309
    POLICIES_APPROVED = 305
    POLICIES_PUBLISHED = 304
    METHOD_PROPOSED = 292
    METHOD_APPROVED = 290
    ASSETS = 280
    RISKS = 265
    ISSUES_LINKED = 262
    RISKS_ACCEPTED = 250
    SOA_DRAFTED = 240
    ACTIONS_STARTED = 200
    CONTROLS_REVIEWED = 16
    PLAN_SIGNED_BY_OWNERS = 14
    PLAN_APPROVED = 12
    SOA_FROZEN = 10
    SOA_APPROVED = 8
    AFTER_SOA = 5


SETUP_DAYS_AGO = When.SETUP


@dataclass(frozen=True)
class DemoStep:
    """Part of a builder's work and when it happened (days before today; fractions are hours
    of the working day, so 30.25 is 30 days ago at about 11:00)."""

    days_ago: float
    run: Callable[[], None]
    label: str = ""


# Domain apps append callables taking the demo organisation (run inside its context). They
# return the steps still to do (none once their records exist: the demo is idempotent).
DEMO_BUILDERS: list[Callable[[Organisation], list[DemoStep] | None]] = []


class _ShiftedDatetime:
    """Stands in for ``datetime`` inside ``django.utils.timezone``: ``now()`` is moved back by
    the clock's offset and never goes backwards; everything else is the real class."""

    def __init__(self, real: type[dt.datetime]) -> None:
        self.real = real
        self.offset = dt.timedelta(0)
        self.last: dt.datetime | None = None

    def now(self, tz: Any = None) -> dt.datetime:
        value = self.real.now(tz) + self.offset
        if self.last is not None and value.tzinfo is not None and value <= self.last:
            value = self.last + dt.timedelta(microseconds=1)
        if value.tzinfo is not None:
            self.last = value
        return value

    def __instancecheck__(self, obj: Any) -> bool:
        return isinstance(obj, self.real)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


@contextmanager
def demo_clock() -> Iterator[Callable[[dt.datetime], None]]:
    """Patch Django's clock for the demo; yields ``set_to(moment)`` (never into the future,
    never backwards). Every ``timezone.now()``, ``localdate()``, ``auto_now`` and
    ``default=timezone.now`` goes through ``django.utils.timezone.datetime.now``."""
    from django.utils import timezone as tz_module

    real = tz_module.datetime
    clock = _ShiftedDatetime(real)

    def set_to(moment: dt.datetime) -> None:
        real_now = real.now(dt.UTC)
        moment = min(moment, real_now - dt.timedelta(minutes=1))
        if clock.last is not None:
            moment = max(moment, clock.last + dt.timedelta(seconds=1))
        clock.offset = moment - real_now

    tz_module.datetime = clock
    try:
        yield set_to
    finally:
        tz_module.datetime = real


_collecting: ContextVar[bool] = ContextVar("demo_collecting", default=False)


def real_today() -> dt.date:
    """Today's date outside the demo clock (demo data is dated relative to it)."""
    from django.utils import timezone as tz_module

    real = getattr(tz_module.datetime, "real", tz_module.datetime)
    return timezone.localtime(real.now(dt.UTC)).date()


def moment(days_ago: float) -> dt.datetime:
    """``days_ago`` days before today, in working hours (09:00 plus the fraction's hours×8)."""
    whole = int(days_ago)
    hours = 9 + (days_ago - whole) * 8
    day = real_today() - dt.timedelta(days=whole)
    start = dt.datetime.combine(day, dt.time(0), tzinfo=timezone.get_current_timezone())
    return start + dt.timedelta(hours=hours)


@dataclass
class DemoReport:
    organisation: Organisation
    users: list[tuple[str, str, bool]] = field(default_factory=list)


def ensure_demo() -> DemoReport:
    real_now = timezone.now()
    with (
        acting_as(Actor(user_id=None, label="openisms demo")),
        transaction.atomic(),
        demo_clock() as set_clock,
    ):
        set_clock(moment(SETUP_DAYS_AGO))
        report = _ensure_org_and_users(real_now)
        org = report.organisation
        with org_context(org):
            steps: list[DemoStep] = []
            token = _collecting.set(True)
            try:
                for builder in DEMO_BUILDERS:
                    steps.extend(builder(org) or [])
            finally:
                _collecting.reset(token)
            _run(steps, set_clock)
    return report


def schedule(steps: list[DemoStep]) -> list[DemoStep]:
    """What a builder returns: inside :func:`ensure_demo` the steps, to run in date order with
    everyone else's; called on its own (a test, a shell) the builder's steps run at once, in
    date order under the demo clock, and nothing is returned."""
    if _collecting.get():
        return steps
    with demo_clock() as set_clock:
        _run(steps, set_clock)
    return []


def _run(steps: list[DemoStep], set_clock: Callable[[dt.datetime], None]) -> None:
    # Stable: steps of the same moment keep the builders' order.
    for step in sorted(steps, key=lambda s: -s.days_ago):
        set_clock(moment(step.days_ago))
        step.run()


def _ensure_org_and_users(real_now: dt.datetime) -> DemoReport:
    User = get_user_model()
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
        # The auditor's access runs a year from the real today, not from the story's start.
        expires = real_now + dt.timedelta(days=365)
        if membership is None:
            set_membership(org, user, role, expires_at=expires if role == Role.AUDITOR else None)
        elif membership.expires_at is not None and membership.expires_at <= real_now:
            set_membership(org, user, membership.role, expires_at=expires)
        report.users.append((username, Role(role).label, created))
    return report
