"""Shared pieces of the Playwright tests (collected last: their teardown flushes the DB)."""

from __future__ import annotations

import pytest

from openisms.core.demo import DEMO_PASSWORD

BROWSER_MARKS = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(live_server):
    """A live server with the catalogue and the demo organisation; yields its URL."""
    from django.db import connection

    from openisms.catalogue.loader import load_all
    from openisms.core.db_guards import install_append_only_guard, remove_append_only_guard
    from openisms.core.demo import ensure_demo

    install_append_only_guard(connection)  # the previous test's flush removed it
    load_all()
    ensure_demo()
    yield live_server.url
    settle_requests(connection)
    # live_server's teardown empties every table; the audit trail refuses DELETE on SQLite.
    remove_append_only_guard(connection)


def settle_requests(connection, seconds: float = 5.0) -> None:
    """Let requests the browser left in flight (an htmx count fired on the last page's load)
    finish before the teardown's TRUNCATE: on PostgreSQL a request still reading a table
    deadlocks with it. Whatever is still connected after ``seconds`` is disconnected."""
    import time

    if connection.vendor != "postgresql":
        return
    others = (
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
        "AND pid <> pg_backend_pid()"
    )
    deadline = time.monotonic() + seconds
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(others)
            if not cursor.fetchall():
                return
            time.sleep(0.05)
        cursor.execute(f"SELECT pg_terminate_backend(pid) FROM ({others}) AS o")


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()


def pick(page, label: str, typed: str, option: str) -> None:
    """Choose ``option`` in a searchable picker (Tom Select) the way a keyboard user does."""
    page.get_by_role("combobox", name=label).press_sequentially(typed)
    listbox = page.get_by_role("listbox", name=label)
    listbox.get_by_role("option", name=option, exact=True).wait_for()
    listbox.get_by_role("option", name=option, exact=True).click()
    page.keyboard.press("Escape")
