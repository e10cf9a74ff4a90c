"""The audit trail: field-level capture of every write, and tamper detection."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from openisms.core.audit_trail import verify
from openisms.core.context import Actor, acting_as
from openisms.core.db_guards import remove_append_only_guard
from openisms.core.models import AuditChainHead, AuditEntry, Membership, Organisation
from openisms.core.models.audit import chain_key
from openisms.core.permissions import Role
from openisms.core.services.organisations import remove_membership, set_membership
from tests.conftest import login

pytestmark = pytest.mark.django_db


def trail(org, **filters):
    return list(AuditEntry.unscoped.filter(organisation=org, **filters).order_by("seq"))


def test_create_update_delete_are_recorded_with_field_changes(org_a, members_a):
    user = members_a[Role.VIEWER]
    with acting_as(Actor(user_id=members_a[Role.OWNER].pk, label="a-owner")):
        m = set_membership(org_a, user, Role.CONTRIBUTOR)
        membership_id = str(m.pk)
        remove_membership(m)
    entries = trail(org_a, object_id=membership_id)
    assert [e.action for e in entries] == ["create", "update", "delete"]
    assert entries[0].changes["role"] == [None, "viewer"]
    assert entries[1].changes == {"role": ["viewer", "contributor"]}
    assert entries[1].actor_id == members_a[Role.OWNER].pk and entries[1].actor_label == "a-owner"
    assert entries[2].changes["role"] == ["contributor", None]


def test_queryset_update_and_bulk_writes_are_recorded(org_a, members_a):
    with acting_as(Actor(user_id=None, label="bulk")):
        n = Membership.objects.filter(organisation=org_a, role=Role.VIEWER).update(role="approver")
    assert n == 1
    entry = trail(org_a, action="update")[-1]
    assert entry.changes == {"role": ["viewer", "approver"]} and entry.actor_label == "bulk"


def test_bulk_update_records_each_row_once(org_a, members_a):
    rows = list(Membership.objects.filter(organisation=org_a).order_by("pk"))
    for m in rows:
        m.role = Role.VIEWER if m.role != Role.VIEWER else Role.CONTRIBUTOR
        m.expires_at = None
    before = AuditEntry.unscoped.filter(organisation=org_a, action="update").count()
    with acting_as(Actor(user_id=None, label="bulk")):
        Membership.objects.bulk_update(rows, ["role", "expires_at"], batch_size=2)
    after = trail(org_a, action="update")
    assert len(after) - before == len(rows)
    assert {e.object_id for e in after[before:]} == {str(m.pk) for m in rows}


def test_unchanged_save_records_nothing(org_a):
    before = AuditEntry.unscoped.count()
    org = Organisation.objects.get(pk=org_a.pk)
    org.save()
    assert AuditEntry.unscoped.count() == before


def test_web_changes_carry_the_logged_in_user(members_a, org_a):
    owner = members_a[Role.OWNER]
    client = login(owner)
    response = client.post("/o/alpha/members/add/", {"username": "a-viewer", "role": "contributor"})
    assert response.status_code == 302
    entry = trail(org_a, action="update")[-1]
    assert entry.actor_id == owner.pk and entry.changes == {"role": ["viewer", "contributor"]}


def test_secrets_never_reach_the_trail(members_a, org_a):
    from openisms.core.services.tokens import issue_token

    token, raw = issue_token(members_a[Role.OWNER], org_a, "ci")
    entry = trail(org_a, object_id=str(token.pk))[0]
    assert entry.changes["token_hash"] == [None, "[redacted]"]
    assert raw not in str(entry.changes)
    user_entries = AuditEntry.unscoped.filter(object_type="auth.user", organisation=None)
    assert user_entries.exists()
    assert all("pbkdf2" not in str(e.changes) and "md5" not in str(e.changes) for e in user_entries)


def test_verify_passes_on_an_honest_trail(members_a, members_b):
    checked, problems = verify()
    assert problems == [] and checked >= 14
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    assert "intact" in out.getvalue()


def _drop_guard():
    """Simulate a database administrator who removes the append-only guard first."""
    remove_append_only_guard(connection)  # rolled back with the test's transaction


def test_the_database_refuses_edits_and_deletes(members_a, org_a):
    entry = trail(org_a)[0]
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    for sql in (
        "UPDATE core_auditentry SET object_repr = 'x'",
        "DELETE FROM core_auditentry",
    ):
        with (
            pytest.raises(Exception, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)


@pytest.mark.parametrize("tamper", ["edit", "delete_middle", "truncate_tail", "relink"])
def test_tampering_is_detected(members_a, org_a, tamper):
    _drop_guard()
    entries = trail(org_a)
    assert len(entries) >= 6
    middle = entries[3]
    table = AuditEntry._meta.db_table
    with connection.cursor() as cursor:
        if tamper == "edit":
            cursor.execute(
                f"UPDATE {table} SET object_repr = %s WHERE id = %s",  # noqa: S608
                ["innocent", middle.pk.hex if connection.vendor == "sqlite" else middle.pk],
            )
        elif tamper == "delete_middle":
            AuditEntry.unscoped.filter(pk=middle.pk)._raw_delete(connection.alias)
        elif tamper == "truncate_tail":
            AuditEntry.unscoped.filter(pk=entries[-1].pk)._raw_delete(connection.alias)
        elif tamper == "relink":
            # Recompute the edited entry's own hash: the next entry's link still breaks.
            middle.object_repr = "innocent"
            AuditEntry.unscoped.filter(pk=middle.pk).update(
                object_repr="innocent", hash=middle.compute_hash()
            )
    checked, problems = verify(chain_key(org_a))
    assert problems, tamper
    with pytest.raises(CommandError, match="verification failed"):
        call_command("audit", "verify", stderr=io.StringIO(), stdout=io.StringIO())


def test_chain_heads_track_each_organisation(members_a, members_b, org_a, org_b):
    heads = {h.chain: h for h in AuditChainHead.objects.all()}
    for org in (org_a, org_b):
        last = trail(org)[-1]
        head = heads[chain_key(org)]
        assert (head.seq, head.hash) == (last.seq, last.hash)
    # Each organisation's sequence starts at 1: counts of one never leak into the other.
    assert trail(org_b)[0].seq == 1


def test_audit_trail_page_and_filters(members_a, org_a):
    client = login(members_a[Role.AUDITOR])
    page = client.get("/o/alpha/audit-trail/").content.decode()
    assert "core.membership" in page
    filtered = client.get("/o/alpha/audit-trail/?object_type=core.organisation").content.decode()
    assert "core.membership</a>" not in filtered and "core.organisation" in filtered
    verify_result = client.post("/o/alpha/audit-trail/verify/").content.decode()
    assert "Audit trail intact" in verify_result


def test_audit_trail_api_filters_and_paginates(members_a, org_a):
    from openisms.core.services.tokens import issue_token

    _, raw = issue_token(members_a[Role.AUDITOR], org_a, "auditor script")
    from django.test import Client

    client = Client(headers={"Authorization": f"Bearer {raw}"})
    everything = client.get("/api/v1/audit-trail?limit=2").json()
    assert everything["count"] >= 7 and len(everything["items"]) == 2
    mine = client.get("/api/v1/audit-trail?user=tests&object_type=core.membership").json()
    assert mine["count"] == 6
    assert all(i["object_type"] == "core.membership" for i in mine["items"])
    assert client.get("/api/v1/audit-trail?limit=1000").status_code == 422
    assert client.get("/api/v1/audit-trail/verify").json()["intact"] is True


def test_logins_and_failed_logins_go_to_the_install_trail(members_a, client):
    from tests.conftest import PASSWORD

    client.post("/login/", {"username": "a-owner", "password": "wrong"})
    client.post("/login/", {"username": "a-owner", "password": PASSWORD})
    client.post("/logout/")
    install = AuditEntry.unscoped.filter(organisation=None)
    failed = install.get(action="login_failed")
    assert failed.changes == {"username": "a-owner"} and "wrong" not in str(failed.changes)
    assert install.filter(action="login", actor_label="a-owner").count() == 1
    assert install.filter(action="logout", actor_label="a-owner").count() == 1
    assert verify()[1] == []


def test_update_diff_is_exact_and_sees_in_place_changes(org_a):
    from openisms.core.context import org_context
    from openisms.risk.models import Asset
    from openisms.risk.services.assets import create_asset

    with org_context(org_a), acting_as(Actor(user_id=None, label="tests")):
        asset = create_asset({"name": "Laptop", "type": "hardware", "tags": ["it"]})
        loaded = Asset.objects.get(pk=asset.pk)
        loaded.tags.append("mobile")  # mutated in place, not reassigned
        loaded.location = "Home office"
        loaded.save()
    entry = trail(org_a, object_id=str(asset.pk), action="update")[-1]
    assert entry.changes == {
        "location": ["", "Home office"],
        "tags": [["it"], ["it", "mobile"]],
    }  # no updated_at / tag_text noise: they are excluded from the trail
