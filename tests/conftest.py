"""Shared fixtures: the catalogue loaded once, organisations, one user per role, clients."""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("OPENISMS_HOME", tempfile.mkdtemp(prefix="openisms-test-"))
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest  # noqa: E402
from django.test import Client  # noqa: E402

from openisms.core.context import Actor, acting_as, org_context  # noqa: E402
from openisms.core.permissions import Role  # noqa: E402

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "correct-horse-battery"
# The live-server `demo` fixture of the browser tests.
pytest_plugins = ["tests.browser"]


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    # Argon2 is the product's hasher; tests need speed, not key stretching.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from openisms.catalogue.loader import load_all

    with django_db_blocker.unblock():
        load_all()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture
def system_actor():
    with acting_as(Actor(user_id=None, label="tests")) as actor:
        yield actor


def make_org(slug: str, name: str | None = None):
    from openisms.core.services.organisations import create_organisation

    with acting_as(Actor(user_id=None, label="tests")):
        return create_organisation(slug, name or slug.title())


def make_member(org, username: str, role: str):
    from django.contrib.auth import get_user_model

    from openisms.core.services.organisations import set_membership

    with acting_as(Actor(user_id=None, label="tests")):
        user = get_user_model().objects.create_user(
            username=username, password=PASSWORD, email=f"{username}@example.test"
        )
        set_membership(org, user, role)
    return user


@pytest.fixture
def org_a(db):
    return make_org("alpha", "Alpha Ltd")


@pytest.fixture
def org_b(db):
    return make_org("bravo", "Bravo plc")


@pytest.fixture
def members_a(org_a):
    """One user per role in organisation A, keyed by role."""
    return {role: make_member(org_a, f"a-{role}", role) for role in Role.values}


@pytest.fixture
def members_b(org_b):
    return {role: make_member(org_b, f"b-{role}", role) for role in Role.values}


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def in_org_a(org_a):
    with org_context(org_a):
        yield org_a


def pytest_collection_modifyitems(config, items):
    # Browser and concurrency tests commit for real; their teardown empties every table,
    # the session-loaded catalogue included: run them after everything else.
    items.sort(key=lambda item: any(item.get_closest_marker(m) for m in ("browser", "flushes_db")))


def person_of(user, org=None):
    """The person of the people register linked to ``user`` (owners are people, not logins);
    created from the login when the membership gave it none (auditors, viewers)."""
    from openisms.people.models import Person

    if user is None or isinstance(user, Person):
        return user
    found = Person.unscoped.filter(user=user)
    if org is not None:
        found = found.filter(organisation=org)
    person = found.first()
    if person is None:
        from openisms.core.models import Membership

        org = org or Membership.objects.filter(user=user).first().organisation
        person = Person.unscoped.create(
            organisation=org, user=user, full_name=user.get_full_name() or user.username
        )
    return person
