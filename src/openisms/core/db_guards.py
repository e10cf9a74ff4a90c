"""Database-level guard: audit entries can be inserted, never updated or deleted.

The hash chain detects tampering by anyone who bypasses this (a DBA dropping the trigger); the
trigger stops the application, an admin shell or a stray script from doing it by accident.
"""

from __future__ import annotations

from typing import Any

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
    ],
}
REMOVE = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS core_auditentry_no_update;",
        "DROP TRIGGER IF EXISTS core_auditentry_no_delete;",
    ],
    "postgresql": [
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
