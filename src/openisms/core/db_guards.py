"""Database-level guard: audit entries can be inserted, never updated, deleted or truncated.

The hash chain detects tampering by anyone who bypasses this (a DBA dropping the trigger); the
trigger stops the application, an admin shell or a stray script from doing it by accident.
"""

from __future__ import annotations

from typing import Any

TRUNCATE_GUARD = [
    "DROP TRIGGER IF EXISTS core_auditentry_no_truncate ON core_auditentry;",
    "CREATE TRIGGER core_auditentry_no_truncate BEFORE TRUNCATE ON core_auditentry "
    "FOR EACH STATEMENT EXECUTE FUNCTION core_auditentry_append_only();",
]
TRUNCATE_UNGUARD = ["DROP TRIGGER IF EXISTS core_auditentry_no_truncate ON core_auditentry;"]

INSTALL = {
    "sqlite": [
        "CREATE TRIGGER IF NOT EXISTS core_auditentry_no_update BEFORE UPDATE ON core_auditentry "
        "BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;",
        "CREATE TRIGGER IF NOT EXISTS core_auditentry_no_delete BEFORE DELETE ON core_auditentry "
        "BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;",
    ],
    "postgresql": [
        """CREATE OR REPLACE FUNCTION core_auditentry_append_only() RETURNS trigger AS $$
        BEGIN RAISE EXCEPTION 'audit entries are append-only'; END; $$ LANGUAGE plpgsql;""",
        "DROP TRIGGER IF EXISTS core_auditentry_append_only ON core_auditentry;",
        "CREATE TRIGGER core_auditentry_append_only BEFORE UPDATE OR DELETE ON core_auditentry "
        "FOR EACH ROW EXECUTE FUNCTION core_auditentry_append_only();",
        # TRUNCATE fires no row triggers; a statement-level one refuses it.
        *TRUNCATE_GUARD,
    ],
}
REMOVE = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS core_auditentry_no_update;",
        "DROP TRIGGER IF EXISTS core_auditentry_no_delete;",
    ],
    "postgresql": [
        *TRUNCATE_UNGUARD,
        "DROP TRIGGER IF EXISTS core_auditentry_append_only ON core_auditentry;",
        "DROP FUNCTION IF EXISTS core_auditentry_append_only();",
    ],
}


def _execute(connection: Any, statements: dict[str, list[str]]) -> None:
    with connection.cursor() as cursor:
        for sql in statements.get(connection.vendor, []):
            cursor.execute(sql)


def install_append_only_guard(connection: Any) -> None:
    _execute(connection, INSTALL)


def remove_append_only_guard(connection: Any) -> None:
    _execute(connection, REMOVE)


def remove_truncate_guard(connection: Any) -> None:
    """Undo only what migration 0004 added to installs guarded before it."""
    _execute(connection, {"postgresql": TRUNCATE_UNGUARD})
