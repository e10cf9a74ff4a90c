"""The openisms command: demo, org, user, audit verify — as a user would run them."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from openisms.core.models import AuditEntry, Membership, Organisation
from openisms.core.permissions import Role

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_demo_is_idempotent(settings):
    from openisms.core.demo import ensure_demo

    first = ensure_demo()
    assert first.organisation.slug == "demo"
    assert [created for _, _, created in first.users] == [True] * 6
    snapshot = (
        AuditEntry.unscoped.count(),
        list(Membership.objects.order_by("pk").values_list("pk", "role", "expires_at")),
        list(get_user_model().objects.order_by("pk").values_list("pk", "password")),
    )
    second = ensure_demo()
    assert [created for _, _, created in second.users] == [False] * 6
    assert snapshot == (
        AuditEntry.unscoped.count(),
        list(Membership.objects.order_by("pk").values_list("pk", "role", "expires_at")),
        list(get_user_model().objects.order_by("pk").values_list("pk", "password")),
    )
    roles = dict(
        Membership.objects.filter(organisation__slug="demo").values_list("user__username", "role")
    )
    assert roles == {
        "owner": "owner", "manager": "isms_manager", "contributor": "contributor",
        "approver": "approver", "auditor": "auditor", "viewer": "viewer",
    }  # fmt: skip


def test_demo_command_prints_the_logins():
    out = run("demo", "--no-serve")
    assert "manager" in out and "openisms-demo" in out and "slug demo" in out


def test_org_create_and_list():
    assert "Created organisation acme" in run("org", "create", "acme", "--name", "Acme Ltd")
    assert "acme\tAcme Ltd" in run("org", "list")
    with pytest.raises(CommandError, match="already exists"):
        run("org", "create", "acme", "--name", "Again")
    with pytest.raises(CommandError):
        run("org", "create", "Bad Slug", "--name", "Bad")
    entry = AuditEntry.unscoped.get(object_type="core.organisation", organisation__slug="acme")
    assert entry.actor_label.startswith("cli:")


def test_user_add_creates_and_changes_roles(org_a):
    out = run("user", "add", "carol", "--org", "alpha", "--role", "contributor")
    assert "Created user carol with password:" in out
    assert Membership.objects.get(user__username="carol").role == Role.CONTRIBUTOR
    out = run(
        "user", "add", "carol", "--org", "alpha", "--role", "auditor", "--expires", "2099-01-31"
    )
    membership = Membership.objects.get(user__username="carol")
    assert membership.role == Role.AUDITOR and membership.expires_at.year == 2099
    assert "carol\tauditor" in run("user", "list", "--org", "alpha")
    with pytest.raises(CommandError, match="No organisation"):
        run("user", "add", "carol", "--org", "nowhere", "--role", "viewer")
    with pytest.raises(CommandError, match="2027-03-31"):
        run("user", "add", "carol", "--org", "alpha", "--role", "auditor", "--expires", "soon")
    with pytest.raises(CommandError, match="future"):
        run(
            "user", "add", "carol", "--org", "alpha", "--role", "auditor", "--expires", "2001-01-01"
        )


def test_console_script_runs_outside_django(tmp_path):
    """The installed `openisms` entry point works from a shell on a fresh data directory."""
    env = {**os.environ, "OPENISMS_HOME": str(tmp_path), "DATABASE_URL": ""}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    script = [sys.executable, "-m", "openisms"]
    subprocess.run([*script, "migrate", "-v0"], env=env, check=True, timeout=300)
    subprocess.run([*script, "catalogue", "load"], env=env, check=True, timeout=120)
    shown = subprocess.run(
        [*script, "catalogue", "show", "iso27001-2022", "--format", "json"],
        env=env, check=True, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert '"count": 134' in shown.stdout
    ok = subprocess.run([*script, "audit", "verify"], env=env, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert (tmp_path / "secret_key").exists() and (tmp_path / "openisms.sqlite3").exists()
    assert Organisation.objects.filter(slug="anything").count() == 0


def test_serve_answers_and_stops(tmp_path):
    """`openisms serve` starts gunicorn and a task worker, serves pages and static files."""
    import socket
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "OPENISMS_HOME": str(tmp_path), "DATABASE_URL": ""}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "openisms", "serve", "--port", str(port), "--workers", "1"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = 60
        import time

        start = time.monotonic()
        while True:
            try:
                page = urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=5)  # noqa: S310
                break
            except OSError:
                if time.monotonic() - start > deadline:
                    raise
                time.sleep(0.5)
        assert page.status == 200 and b"Log in to OpenISMS" in page.read()
        assert "default-src 'self'" in page.headers["Content-Security-Policy"]
        css = urllib.request.urlopen(f"http://127.0.0.1:{port}/static/openisms/app.css")  # noqa: S310
        assert css.status == 200
    finally:
        server.terminate()
        out, _ = server.communicate(timeout=30)
    assert server.returncode == 0, out.decode()[-2000:]
    assert b"background-task worker" in out
