"""Shared bits of the ``openisms`` management commands."""

from __future__ import annotations

import getpass

from django.core.management.base import CommandError

from openisms.core.context import Actor
from openisms.core.models import Organisation


def cli_actor() -> Actor:
    try:
        who = getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name in some containers
        who = "unknown"
    return Actor(user_id=None, label=f"cli:{who}")


def get_org(slug: str) -> Organisation:
    try:
        return Organisation.objects.get(slug=slug)
    except Organisation.DoesNotExist:
        raise CommandError(f"No organisation with the slug “{slug}”. See `openisms org list`.")
