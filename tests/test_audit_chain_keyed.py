"""The keyed audit chain: HMAC-SHA-256 under a key outside the database, switch-over, anchors."""

from __future__ import annotations

import hashlib
import io
import json
import os
import stat
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from openisms.core.audit_chain import (
    GENESIS,
    KEYED,
    LEGACY,
    SWITCH_OVER_ACTION,
    canonical_json,
    key_fingerprint,
    switch_over,
    switch_over_all,
)
from openisms.core.audit_trail import verify, verify_report
from openisms.core.auditing import record
from openisms.core.context import Actor, acting_as
from openisms.core.db_guards import remove_append_only_guard
from openisms.core.models import AuditChainHead, AuditEntry
from openisms.core.models.audit import chain_key
from openisms.core.permissions import Role
from openisms.home import audit_key
from tests.conftest import login

pytestmark = pytest.mark.django_db

WRONG_KEY = b"an attacker's guess at the audit key, 32+ chars"


def chain_of(org) -> list[AuditEntry]:
    return list(AuditEntry.unscoped.filter(chain=chain_key(org)).order_by("seq"))


def rewrite(org, start: int, *, algorithm: str, key: bytes | None = None, edit=None) -> None:
    """What someone with write access to the database (but maybe not the key) would do: change
    entry ``start`` and recompute the hash of it and of every entry after it, then the head."""
    remove_append_only_guard(connection)  # rolled back with the test's transaction
    entries = chain_of(org)
    prev = GENESIS if start == 1 else entries[start - 2].hash
    for entry in entries[start - 1 :]:
        if edit is not None and entry.seq == start:
            edit(entry)
        entry.algorithm, entry.prev_hash = algorithm, prev
        entry.hash = entry.compute_hash(key)
        AuditEntry.unscoped.filter(pk=entry.pk).update(
            object_repr=entry.object_repr,
            changes=entry.changes,
            algorithm=entry.algorithm,
            prev_hash=entry.prev_hash,
            hash=entry.hash,
        )
        prev = entry.hash
    AuditChainHead.objects.filter(chain=chain_key(org)).update(seq=entries[-1].seq, hash=prev)


def innocent(entry: AuditEntry) -> None:
    entry.object_repr = "innocent"


def assert_cli_fails(*args: str, match: str = "verification failed") -> str:
    err = io.StringIO()
    with pytest.raises(CommandError, match=match):
        call_command("audit", "verify", *args, stderr=err, stdout=io.StringIO())
    return err.getvalue()


def cli_verify(*args: str) -> str:
    out = io.StringIO()
    call_command("audit", "verify", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_new_entries_are_hmac_sha256_under_the_configured_key(members_a, org_a, settings):
    entries = chain_of(org_a)
    assert entries and {e.algorithm for e in entries} == {KEYED}
    last = entries[-1]
    plain = hashlib.sha256(canonical_json(last.payload()).encode()).hexdigest()
    assert last.hash != plain  # not computable from the table alone
    assert last.hash == last.compute_hash(settings.AUDIT_KEY.encode())
    assert last.payload()["algorithm"] == KEYED  # relabelling the entry changes what it covers
    report = verify_report(chain_key(org_a))
    assert report.intact and report.keyed == len(entries) and report.key_matches is True


@pytest.mark.parametrize("label", ["relabelled_legacy", "still_labelled_keyed", "whole_chain"])
def test_rewrite_with_recomputed_plain_sha256_is_detected(members_a, org_a, label):
    entries = chain_of(org_a)
    assert len(entries) >= 6
    start = 1 if label == "whole_chain" else 4
    algorithm = KEYED if label == "still_labelled_keyed" else LEGACY
    if algorithm == KEYED:
        # An attacker without the key can only put a plain SHA-256 where the HMAC belongs.
        remove_append_only_guard(connection)
        prev = entries[start - 2].hash
        for entry in entries[start - 1 :]:
            if entry.seq == start:
                innocent(entry)
            entry.prev_hash = prev
            entry.hash = hashlib.sha256(canonical_json(entry.payload()).encode()).hexdigest()
            AuditEntry.unscoped.filter(pk=entry.pk).update(
                object_repr=entry.object_repr, prev_hash=entry.prev_hash, hash=entry.hash
            )
            prev = entry.hash
        AuditChainHead.objects.filter(chain=chain_key(org_a)).update(hash=prev)
    else:
        rewrite(org_a, start, algorithm=LEGACY, edit=innocent)
    checked, problems = verify(chain_key(org_a))
    assert problems, label
    text = " ".join(str(p) for p in problems)
    if label == "relabelled_legacy":
        assert "plain SHA-256 entry after the chain was keyed" in text
    elif label == "whole_chain":
        assert "no keyed entry" in text
    else:
        assert "does not match its keyed hash" in text
    assert "TAMPERED" in assert_cli_fails()


def test_recomputing_with_a_wrong_key_is_detected(members_a, org_a):
    rewrite(org_a, 4, algorithm=KEYED, key=WRONG_KEY, edit=innocent)
    problems = verify(chain_key(org_a))[1]
    seqs = {p.seq for p in problems}
    assert 4 in seqs and all("keyed hash" in str(p) for p in problems if p.seq)
    assert 3 not in seqs  # the entries before the rewrite still verify
    assert_cli_fails("--org", "alpha")


def test_a_chain_rewritten_whole_with_another_key_names_the_key(members_a, org_a):
    rewrite(org_a, 1, algorithm=KEYED, key=WRONG_KEY, edit=innocent)
    report = verify_report(chain_key(org_a))
    assert report.key_matches is False
    [problem] = report.problems
    assert "none of the" in str(problem) and "configured audit key" in str(problem)


def test_a_different_configured_key_is_reported_as_such(members_a, org_a, settings):
    settings.AUDIT_KEY = "b" * 64
    report = verify_report(chain_key(org_a))
    assert report.key_matches is False
    assert any(key_fingerprint(b"b" * 64) in str(p) for p in report.problems)


def test_legacy_chain_with_switch_over_verifies(members_a, org_a, settings):
    # An install from before the keyed chain: every entry plain SHA-256.
    rewrite(org_a, 1, algorithm=LEGACY)
    legacy = chain_of(org_a)
    assert {e.algorithm for e in legacy} == {LEGACY}
    assert "no keyed entry" in str(verify(chain_key(org_a))[1])  # refused until sealed

    assert switch_over_all(AuditEntry, AuditChainHead) == 1  # what migration 0004 runs
    assert switch_over(AuditEntry, AuditChainHead, chain_key(org_a)) is None  # only once
    seal = chain_of(org_a)[-1]
    assert seal.action == SWITCH_OVER_ACTION and seal.algorithm == KEYED
    assert seal.seq == legacy[-1].seq + 1 and seal.prev_hash == legacy[-1].hash
    assert seal.changes["sealed"] == {"seq": legacy[-1].seq, "hash": legacy[-1].hash}
    assert seal.changes["key"] == {"fingerprint": key_fingerprint()}
    with acting_as(Actor(user_id=None, label="tests")):
        record("update", org_a, {"name": ["Alpha", "Alpha Ltd"]})
    after = chain_of(org_a)[-1]
    assert after.algorithm == KEYED and after.prev_hash == seal.hash
    assert verify()[1] == []
    assert "intact" in cli_verify()
    # Run with another key (a server without OPENISMS_AUDIT_KEY): the message names both keys.
    written_with = key_fingerprint()
    settings.AUDIT_KEY = "c" * 64
    [problem] = verify(chain_key(org_a))[1]
    assert f"the switch-over names key {written_with}" in str(problem)
    assert key_fingerprint(b"c" * 64) in str(problem)


def test_rewriting_the_sealed_legacy_section_is_detected(members_a, org_a):
    rewrite(org_a, 1, algorithm=LEGACY)
    switch_over_all(AuditEntry, AuditChainHead)
    legacy_count = len(chain_of(org_a)) - 1
    # Recompute plain hashes for a rewritten legacy entry and all legacy ones after it.
    remove_append_only_guard(connection)
    entries = chain_of(org_a)
    prev = entries[1].hash
    for entry in entries[2:legacy_count]:
        if entry.seq == 3:
            innocent(entry)
        entry.prev_hash = prev
        entry.hash = entry.compute_hash()
        AuditEntry.unscoped.filter(pk=entry.pk).update(
            object_repr=entry.object_repr, prev_hash=entry.prev_hash, hash=entry.hash
        )
        prev = entry.hash
    problems = verify(chain_key(org_a))[1]
    # Only the switch-over's link breaks: its HMAC covers the old last legacy hash.
    assert {p.seq for p in problems} == {legacy_count + 1}
    assert "link to the previous entry is broken" in str(problems[0])


def test_a_plain_chain_start_cannot_pose_as_switch_over(members_a, org_a):
    # Legacy entries may only precede a proper switch-over entry, never a normal keyed one.
    entries = chain_of(org_a)
    remove_append_only_guard(connection)
    first = entries[0]
    first.algorithm = LEGACY
    first.hash = first.compute_hash()
    AuditEntry.unscoped.filter(pk=first.pk).update(algorithm=LEGACY, hash=first.hash)
    problems = verify(chain_key(org_a))[1]
    assert any("not the switch-over" in str(p) for p in problems)


def test_anchor_output_format(members_a, members_b, org_a, org_b, settings):
    out = io.StringIO()
    call_command("audit", "anchor", stdout=out, stderr=io.StringIO())
    text = out.getvalue()
    assert settings.AUDIT_KEY not in text
    document = json.loads(text)
    assert document["format"] == "openisms-audit-anchor" and document["version"] == 1
    assert document["key_fingerprint"] == key_fingerprint()
    assert document["created_at"].endswith("+00:00")
    by_org = {c["organisation"]: c for c in document["chains"]}
    assert {"alpha", "bravo", None} <= set(by_org)
    for org in (org_a, org_b):
        last = chain_of(org)[-1]
        anchored = by_org[org.slug]
        assert anchored == {
            "chain": chain_key(org),
            "organisation": org.slug,
            "seq": last.seq,
            "hash": last.hash,
            "at": last.at.isoformat(timespec="seconds").replace("Z", "+00:00"),
        }
    assert by_org[None]["chain"] == "install"
    only = io.StringIO()
    call_command("audit", "anchor", "--org", "bravo", stdout=only, stderr=io.StringIO())
    assert [c["organisation"] for c in json.loads(only.getvalue())["chains"]] == ["bravo"]


def test_anchor_to_a_file_and_verify_against_it(members_a, org_a, tmp_path):
    path = tmp_path / "anchor.json"
    err = io.StringIO()
    call_command("audit", "anchor", "--output", str(path), stdout=io.StringIO(), stderr=err)
    assert "keep it outside" in err.getvalue()
    with acting_as(Actor(user_id=None, label="tests")):
        record("update", org_a, {"name": ["Alpha", "Alpha Ltd"]})  # the chain grows on
    out = cli_verify("--anchor", str(path))
    assert "intact" in out and "anchored head(s) still in place" in out
    assert "intact" in cli_verify("--org", "alpha", "--anchor", str(path))


def test_truncation_back_past_an_anchor_is_detected_by_verify_anchor(members_a, org_a, tmp_path):
    path = tmp_path / "anchor.json"
    call_command("audit", "anchor", "--output", str(path), stderr=io.StringIO())
    anchored = chain_of(org_a)[-1]
    with acting_as(Actor(user_id=None, label="tests")):
        record("update", org_a, {"name": ["Alpha", "Alpha Ltd"]})
    # Cut the chain back to before the anchored entry and move the head to match: the chain
    # itself is consistent again, only the anchor can tell.
    remove_append_only_guard(connection)
    AuditEntry.unscoped.filter(chain=chain_key(org_a), seq__gte=anchored.seq)._raw_delete(
        connection.alias
    )
    keep = chain_of(org_a)[-1]
    AuditChainHead.objects.filter(chain=chain_key(org_a)).update(seq=keep.seq, hash=keep.hash)
    assert verify()[1] == []
    stderr = assert_cli_fails("--anchor", str(path))
    assert f"alpha: entry #{anchored.seq}" in stderr and "cut back past the anchor" in stderr
    assert f"ends at #{keep.seq}" in stderr


def test_rewrite_before_an_anchor_is_detected_even_with_the_key(members_a, org_a, tmp_path):
    path = tmp_path / "anchor.json"
    call_command("audit", "anchor", "--output", str(path), stderr=io.StringIO())
    rewrite(org_a, 2, algorithm=KEYED, edit=innocent)  # someone who also stole the key
    assert verify()[1] == []
    assert "rewritten at or before the anchor" in assert_cli_fails("--anchor", str(path))


def test_anchor_refuses_a_tampered_trail_and_bad_anchor_files(members_a, org_a, tmp_path):
    rewrite(org_a, 4, algorithm=LEGACY, edit=innocent)
    with pytest.raises(CommandError, match="Not anchoring"):
        call_command("audit", "anchor", stdout=io.StringIO(), stderr=io.StringIO())
    bad = tmp_path / "bad.json"
    bad.write_text('{"chains": []}')
    with pytest.raises(CommandError, match="not a usable anchor: not an OpenISMS audit anchor"):
        call_command("audit", "verify", "--anchor", str(bad), stdout=io.StringIO())
    with pytest.raises(CommandError, match="Cannot read the anchor file"):
        call_command("audit", "verify", "--anchor", str(tmp_path / "missing.json"))


def test_key_file_is_created_once_with_mode_0600(tmp_path, monkeypatch):
    monkeypatch.delenv("OPENISMS_AUDIT_KEY", raising=False)
    key, source = audit_key(tmp_path)
    path = tmp_path / "audit_key"
    assert source == str(path) and len(key) == 64 and int(key, 16) >= 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert audit_key(tmp_path) == (key, source)  # read back, not regenerated


def test_env_var_key_takes_precedence(tmp_path, monkeypatch):
    shared = "s" * 40
    monkeypatch.setenv("OPENISMS_AUDIT_KEY", shared)
    assert audit_key(tmp_path) == (shared, "OPENISMS_AUDIT_KEY")
    assert not (tmp_path / "audit_key").exists()
    monkeypatch.setenv("OPENISMS_AUDIT_KEY", "short")
    with pytest.raises(ImproperlyConfigured, match="too short"):
        audit_key(tmp_path)


def test_settings_read_the_key_from_env_or_home(tmp_path):
    """The settings module, as an app server loads it."""
    probe = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.AUDIT_KEY_SOURCE); print(settings.AUDIT_KEY)"
    )
    env = {**os.environ, "OPENISMS_HOME": str(tmp_path), "DATABASE_URL": ""}
    env["DJANGO_SETTINGS_MODULE"] = "openisms.settings"
    env["OPENISMS_AUDIT_KEY"] = "e" * 48
    shown = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert shown == ["OPENISMS_AUDIT_KEY", "e" * 48]
    assert not (tmp_path / "audit_key").exists()
    env.pop("OPENISMS_AUDIT_KEY")
    shown = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert shown == [str(tmp_path / "audit_key"), (tmp_path / "audit_key").read_text().strip()]


def test_the_key_stays_off_debug_pages(settings):
    from django.views.debug import SafeExceptionReporterFilter

    shown = SafeExceptionReporterFilter().get_safe_settings()
    assert shown["AUDIT_KEY"] != settings.AUDIT_KEY and "*" in shown["AUDIT_KEY"]


def test_verify_page_shows_the_key_status(members_a, org_a, settings):
    client = login(members_a[Role.AUDITOR])
    page = client.post("/o/alpha/audit-trail/verify/").content.decode()
    assert "Audit trail intact" in page and key_fingerprint() in page
    assert "matches" in page and settings.AUDIT_KEY not in page
    rewrite(org_a, 4, algorithm=LEGACY, edit=innocent)
    page = client.post("/o/alpha/audit-trail/verify/").content.decode()
    assert "Tampering detected" in page and "plain SHA-256 entry after" in page


def test_anchor_download_for_owners_and_managers_only(members_a, org_a, members_b):
    owner = login(members_a[Role.OWNER])
    assert "Download anchor" in owner.get("/o/alpha/audit-trail/").content.decode()
    response = owner.get("/o/alpha/audit-trail/anchor/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="audit-anchor-alpha-')
    document = json.loads(response.content)
    assert [c["organisation"] for c in document["chains"]] == ["alpha"]  # never other chains
    assert document["chains"][0]["hash"] == chain_of(org_a)[-1].hash
    assert (
        login(members_a[Role.ISMS_MANAGER]).get("/o/alpha/audit-trail/anchor/").status_code == 200
    )
    auditor = login(members_a[Role.AUDITOR])
    assert "Download anchor" not in auditor.get("/o/alpha/audit-trail/").content.decode()
    assert auditor.get("/o/alpha/audit-trail/anchor/").status_code == 403
    rewrite(org_a, 4, algorithm=LEGACY, edit=innocent)
    refused = owner.get("/o/alpha/audit-trail/anchor/")
    assert refused.status_code == 302 and refused["Location"].endswith("/o/alpha/audit-trail/")


def test_api_reports_key_status_and_serves_anchors(members_a, org_a):
    from django.test import Client

    from openisms.core.services.tokens import issue_token

    clients = {}
    for role in (Role.OWNER, Role.AUDITOR):
        _, raw = issue_token(members_a[role], org_a, "script")
        clients[role] = Client(headers={"Authorization": f"Bearer {raw}"})
    result = clients[Role.AUDITOR].get("/api/v1/audit-trail/verify").json()
    assert result["intact"] is True and result["key_matches"] is True
    assert result["keyed"] == result["checked"] and result["key_fingerprint"] == key_fingerprint()
    items = clients[Role.AUDITOR].get("/api/v1/audit-trail?limit=1").json()["items"]
    assert items[0]["algorithm"] == KEYED
    anchor = clients[Role.OWNER].get("/api/v1/audit-trail/anchor")
    assert anchor.status_code == 200 and anchor.json()["chains"][0]["organisation"] == "alpha"
    assert clients[Role.AUDITOR].get("/api/v1/audit-trail/anchor").status_code == 403
    rewrite(org_a, 4, algorithm=LEGACY, edit=innocent)
    assert clients[Role.OWNER].get("/api/v1/audit-trail/anchor").status_code == 409
    assert clients[Role.AUDITOR].get("/api/v1/audit-trail/verify").json()["intact"] is False


def test_the_whole_trail_cannot_be_wiped(members_a):
    """PostgreSQL's TRUNCATE bypasses row triggers (a statement trigger refuses it); SQLite has no
    TRUNCATE, its whole-table DELETE is refused by the row trigger. Runs on both databases."""
    postgresql = connection.vendor == "postgresql"
    with (
        pytest.raises(Exception, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        if postgresql:
            # Deferred foreign-key checks of the fixtures' inserts would refuse it first.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("TRUNCATE core_auditentry CASCADE")
        else:
            cursor.execute("DELETE FROM core_auditentry")
