"""``openisms purge-deleted``: the same command as ``purge_deleted`` under its documented name."""

from openisms.core.management.commands.purge_deleted import Command  # noqa: F401
