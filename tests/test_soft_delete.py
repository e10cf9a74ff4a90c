"""Safe deletion: one confirmation, soft delete keeping links, Recently deleted, restore, purge."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from openisms.context.models import ContextIssue
from openisms.context.services import issues
from openisms.core.context import org_context
from openisms.core.models import AuditEntry
from openisms.core.permissions import Role
from openisms.core.services import deletion
from openisms.core.services.tokens import issue_token
from openisms.leadership.models import IsmsRole, RaciAssignment
from openisms.leadership.services import commitments, roles
from openisms.people.services import communication, staff
from openisms.risk.models import Risk, TreatmentAction
from openisms.risk.services.actions import create_action
from openisms.risk.services.assets import create_asset
from openisms.risk.services.risks import create_risk
from tests.conftest import login

pytestmark = pytest.mark.django_db
BASE = "/o/alpha"


@pytest.fixture
def risk(org_a, members_a, system_actor):
    with org_context(org_a):
        asset = create_asset({"name": "Laptop fleet", "type": "hardware"})
        risk = create_risk({"title": "Stolen laptop", "assets": [asset], "controls": ["A.8.1"]})
        create_action(risk, {"title": "Encrypt disks"})
        issue = issues.create_issue(
            {"title": "Remote work", "kind": "internal", "category": "other", "risks": [risk]}
        )
    return {"risk": risk, "asset": asset, "issue": issue}


def entries(obj, action):
    return AuditEntry.unscoped.filter(object_id=str(obj.pk), action=action)


def test_soft_delete_hides_the_record_and_its_children_and_keeps_links(org_a, risk):
    r = risk["risk"]
    with org_context(org_a):
        r.delete()
        assert not Risk.objects.filter(pk=r.pk).exists()
        assert Risk.with_deleted.get(pk=r.pk).deleted_at is not None
        assert Risk.unscoped.filter(pk=r.pk).exists()
        # The children are hidden with it, the links stay in their tables.
        assert not TreatmentAction.objects.filter(risk=r).exists()
        assert TreatmentAction.unscoped.filter(risk=r).count() == 1
        assert list(risk["issue"].risks.all()) == []  # the issue no longer shows it
        assert Risk.assets.through.objects.filter(risk=r).count() == 1
        assert Risk.controls.through.objects.filter(risk=r).count() == 1
        assert entries(r, "delete").count() == 1
        deletion.restore(Risk.with_deleted.get(pk=r.pk))
        back = Risk.objects.get(pk=r.pk)
        assert [a.name for a in back.assets.all()] == ["Laptop fleet"]
        assert [c.ref for c in back.controls.all()] == ["A.8.1"]
        assert back.actions.count() == 1
        assert list(risk["issue"].risks.all()) == [back]
    assert entries(r, "restore").count() == 1


def test_confirmation_names_the_record_and_what_goes_with_it(members_a, risk):
    client = login(members_a[Role.ISMS_MANAGER])
    r = risk["risk"]
    page = client.get(f"{BASE}/risk/register/{r.pk}/delete/").content.decode()
    assert "Delete risk “R-0001" in page
    assert "Encrypt disks" in page  # its treatment action goes with it
    assert "Laptop fleet" in page and "A.8.1" in page  # links hidden while deleted
    assert "Recently deleted" in page
    done = client.post(f"{BASE}/risk/register/{r.pk}/delete/", follow=True).content.decode()
    assert "Risk “R-0001 Stolen laptop” deleted." in done
    assert "Stolen laptop" not in client.get(f"{BASE}/risk/register/").content.decode()


@pytest.mark.parametrize(
    "make, url",
    [
        (lambda: commitments.create_commitment({"title": "Budget 2027", "date": "2026-01-05"}),
         "leadership/commitments/{pk}/delete/"),
        (lambda: communication.create_item({"topic": "Phishing news", "audience": "All staff",
                                            "channel": "e-mail", "timing": "monthly"}),
         "people/communication/{pk}/delete/"),
        (lambda: staff.create_person({"full_name": "Carla Clerk"}), "people/{pk}/delete/"),
        (lambda: roles.create_role({"name": "Privacy lead"}), "leadership/roles/{pk}/delete/"),
        (lambda: create_asset({"name": "Old printer", "type": "hardware"}),
         "risk/assets/{pk}/delete/"),
    ],
)  # fmt: skip
def test_every_delete_asks_first_then_soft_deletes(org_a, members_a, system_actor, make, url):
    with org_context(org_a):
        obj = make()
    client = login(members_a[Role.OWNER])
    path = f"{BASE}/{url.format(pk=obj.pk)}"
    page = client.get(path)
    assert page.status_code == 200 and "<h1>Delete" in page.content.decode()
    assert str(obj) in page.content.decode()
    with org_context(org_a):
        assert type(obj).objects.filter(pk=obj.pk).exists()  # asking deleted nothing
    done = client.post(path, follow=True)
    assert "You can restore it from Recently deleted" in done.content.decode()
    with org_context(org_a):
        assert not type(obj).objects.filter(pk=obj.pk).exists()
        assert type(obj).with_deleted.get(pk=obj.pk).deleted_at is not None
    deleted = client.get(f"{BASE}/deleted/").content.decode()
    assert str(obj) in deleted


def test_recently_deleted_is_for_managers_and_restores(org_a, members_a, risk):
    r = risk["risk"]
    with org_context(org_a):
        r.delete()
    for role in (Role.CONTRIBUTOR, Role.VIEWER, Role.AUDITOR, Role.APPROVER):
        assert login(members_a[role]).get(f"{BASE}/deleted/").status_code == 403
    manager = login(members_a[Role.ISMS_MANAGER])
    page = manager.get(f"{BASE}/deleted/?type=risk.risk").content.decode()
    assert "R-0001 Stolen laptop" in page
    url = f"{BASE}/deleted/risk.risk/{r.pk}/restore/"
    assert manager.get(url).status_code == 405
    assert login(members_a[Role.CONTRIBUTOR]).post(url).status_code == 403
    done = manager.post(url, follow=True).content.decode()
    assert "restored with its links" in done
    detail = manager.get(f"{BASE}/risk/register/{r.pk}/").content.decode()
    assert "Encrypt disks" in detail and "Laptop fleet" in detail
    assert manager.post(url).status_code == 404  # no longer deleted


def test_a_deleted_name_can_be_reused_and_then_blocks_its_restore(org_a, system_actor):
    with org_context(org_a):
        first = roles.create_role({"name": "Privacy lead"})
        first.delete()
        second = roles.create_role({"name": "privacy LEAD"})  # allowed: the first is deleted
        with pytest.raises(Exception, match="same name"):
            deletion.restore(IsmsRole.with_deleted.get(pk=first.pk))
        second.delete()
        deletion.restore(IsmsRole.with_deleted.get(pk=first.pk))
        assert IsmsRole.objects.filter(pk=first.pk).exists()


def test_raci_cells_disappear_with_their_role_and_come_back(org_a, system_actor):
    with org_context(org_a):
        role = roles.create_role({"name": "Privacy lead"})
        process = roles.create_process({"name": "Privacy review"})
        roles.set_cell(process, role, "A")
        role.delete()
        assert not RaciAssignment.objects.filter(process=process).exists()
        deletion.restore(IsmsRole.with_deleted.get(pk=role.pk))
        assert RaciAssignment.objects.get(process=process).letter == "A"


def test_a_child_cannot_be_restored_before_its_parent(org_a, risk):
    with org_context(org_a):
        action = risk["risk"].actions.get()
        action.delete()
        risk["risk"].delete()
        with pytest.raises(Exception, match="first"):
            deletion.restore(TreatmentAction.with_deleted.get(pk=action.pk))


def test_purge_after_30_days_with_a_fake_clock(org_a, risk, capsys):
    r, issue = risk["risk"], risk["issue"]
    with org_context(org_a):
        r.delete()
        issue.delete()
    now = timezone.now()
    assert deletion.purge_expired(now + dt.timedelta(days=29)).purged == []
    call_command("purge-deleted", "--dry-run")  # nothing is 30 days old yet
    assert "Would purge 0 record(s)" in capsys.readouterr().out
    later = now + dt.timedelta(days=31)
    dry = deletion.purge_expired(later, dry_run=True)
    assert len(dry.purged) == 2 and Risk.unscoped.filter(pk=r.pk).exists()
    report = deletion.purge_expired(later)
    assert sorted(report.purged) == sorted(dry.purged)
    assert not Risk.unscoped.filter(pk=r.pk).exists()
    assert not TreatmentAction.unscoped.filter(risk_id=r.pk).exists()
    assert not ContextIssue.unscoped.filter(pk=issue.pk).exists()
    purge = entries(r, "purge").get()
    assert purge.organisation_id == org_a.pk and purge.actor_label == "task:purge-deleted"
    assert not entries(r, "delete").filter(at__gt=purge.at).exists()  # one entry, not two
    with org_context(org_a):
        assert risk["asset"].__class__.objects.filter(pk=risk["asset"].pk).exists()  # stays


def test_purge_task_runs_and_schedules_itself_once(org_a, risk):
    from django_tasks_db.models import DBTaskResult

    from openisms.core.tasks import purge_deleted, schedule_purge

    assert schedule_purge() is True
    assert schedule_purge() is False  # one queued run at a time
    DBTaskResult.objects.all().delete()
    with org_context(org_a):
        risk["risk"].delete()
    Risk.unscoped.filter(pk=risk["risk"].pk).update(
        deleted_at=timezone.now() - dt.timedelta(days=31)
    )
    assert purge_deleted.call() == {"purged": 1, "kept": 0}
    assert DBTaskResult.objects.count() == 1  # the next daily run is queued


def _token_client(user, org) -> Client:
    _, raw = issue_token(user, org, "soft delete tests")
    return Client(headers={"Authorization": f"Bearer {raw}"})


@pytest.mark.parametrize("auth", ["token", "session"])
def test_api_delete_lists_and_restores(org_a, members_a, risk, auth):
    manager = members_a[Role.ISMS_MANAGER]
    client = _token_client(manager, org_a) if auth == "token" else login(manager)
    headers = {} if auth == "token" else {"X-Organisation": "alpha"}
    r = risk["risk"]
    assert client.delete(f"/api/v1/risk/risks/{r.pk}", headers=headers).status_code == 204
    assert client.get(f"/api/v1/risk/risks/{r.pk}", headers=headers).status_code == 404
    listed = client.get("/api/v1/deleted", headers=headers).json()
    assert listed["count"] == 1
    item = listed["items"][0]
    assert item["record_type"] == "risk.risk" and item["label"].startswith("R-0001")
    assert item["deleted_by"] == manager.username
    url = f"/api/v1/deleted/risk.risk/{r.pk}/restore"
    assert client.post(url, headers=headers).status_code == 200
    back = client.get(f"/api/v1/risk/risks/{r.pk}", headers=headers).json()
    assert back["assets"] and back["controls"]
    assert client.post(url, headers=headers).status_code == 404
    contributor = members_a[Role.CONTRIBUTOR]
    other = _token_client(contributor, org_a) if auth == "token" else login(contributor)
    assert other.get("/api/v1/deleted", headers=headers).status_code == 403


def test_deleted_records_of_b_stay_invisible_to_a(org_a, org_b, members_a, members_b):
    with org_context(org_b):
        from openisms.core.context import Actor, acting_as

        with acting_as(Actor(user_id=None, label="tests")):
            secret = issues.create_issue(
                {"title": "B secret issue", "kind": "internal", "category": "other"}
            )
            secret.delete()
    owner = login(members_a[Role.OWNER])
    assert "B secret" not in owner.get(f"{BASE}/deleted/").content.decode()
    url = f"{BASE}/deleted/context.contextissue/{secret.pk}/restore/"
    assert owner.post(url).status_code == 404
    api = _token_client(members_a[Role.OWNER], org_a)
    assert "B secret" not in api.get("/api/v1/deleted").content.decode()
    restore = f"/api/v1/deleted/context.contextissue/{secret.pk}/restore"
    assert api.post(restore).status_code == 404
    with org_context(org_b):
        assert ContextIssue.with_deleted.get(pk=secret.pk).deleted_at is not None


def test_recently_deleted_page_queries_stay_flat(
    org_a, members_a, system_actor, django_assert_max_num_queries
):
    client = login(members_a[Role.OWNER])

    def make(n, start):
        with org_context(org_a):
            for i in range(n):
                commitments.create_commitment(
                    {"title": f"Decision {start + i}", "date": "2026-01-05"}
                ).delete()

    make(3, 0)
    client.get(f"{BASE}/deleted/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(f"{BASE}/deleted/").status_code == 200
    make(40, 3)
    with django_assert_max_num_queries(len(small)):
        page = client.get(f"{BASE}/deleted/").content.decode()
    assert "Decision 42" in page
