"""People pages per role: reading, forms and their messages, results recorded in a row (htmx),
effectiveness confirmation, campaigns, My training, the communication plan, the dashboard."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from openisms.core.context import acting_as, org_context
from openisms.core.permissions import Role
from openisms.people.models import (
    AssignmentStatus,
    Campaign,
    CampaignStatus,
    CommunicationItem,
    Competence,
    Person,
    TrainingAssignment,
)
from openisms.people.services import communication, staff, training
from tests.conftest import login

pytestmark = pytest.mark.django_db
P = "/o/alpha/people/"
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _today():
    """Today as the test runs, not as the module was imported (a suite may cross midnight)."""
    global TODAY
    TODAY = timezone.localdate()


@pytest.fixture
def world(org_a, members_a):
    """Two departments, a linked viewer, a quiz course, a manager-confirmed course, a running
    campaign with one overdue assignment, a competence and a communication item."""
    with org_context(org_a), acting_as(members_a[Role.ISMS_MANAGER]):
        val = staff.create_person({"full_name": "Val Viewer", "department": "Sales",
                                   "user": members_a[Role.VIEWER]})  # fmt: skip
        dev = staff.create_person({"full_name": "Dana Dev", "department": "Engineering"})
        quiz = training.create_course({"title": "Security awareness basics", "pass_score": 80})
        manager_course = training.create_course(
            {"title": "Secure development", "effectiveness": "manager"}
        )
        campaign = training.create_campaign({
            "name": "Annual awareness", "course": quiz, "audience_all": True,
            "due_on": TODAY + dt.timedelta(days=10),
        })  # fmt: skip
        training.launch_campaign(campaign)
        late = TrainingAssignment.objects.get(person=val)
        TrainingAssignment.objects.filter(pk=late.pk).update(due_on=TODAY - dt.timedelta(days=3))
        secure = training.record_completion(training.assign(dev, manager_course))
        competence = staff.create_competence({"name": "Secure coding"})
        item = communication.create_item(
            {
                "topic": "Policy updates",
                "audience": "All staff",
                "timing": "On change",
                "channel": "Intranet",
            }  # fmt: skip
        )
    return {"val": val, "dev": dev, "quiz": quiz, "campaign": campaign, "late": late,
            "secure": secure, "competence": competence, "item": item}  # fmt: skip


def read_pages(w: dict) -> list[str]:
    return [
        P, f"{P}?department=Sales&active=all&q=val", f"{P}{w['val'].pk}/", f"{P}competences/",
        f"{P}training/", f"{P}training/courses/{w['quiz'].pk}/",
        f"{P}training/campaigns/{w['campaign'].pk}/",
        f"{P}training/campaigns/{w['campaign'].pk}/?status=overdue",
        f"{P}training/assignments/{w['late'].pk}/", f"{P}training/overdue/",
        f"{P}training/overdue/?course={w['quiz'].pk}&department=Sales", f"{P}training/mine/",
        f"{P}communication/",
    ]  # fmt: skip


def edit_pages(w: dict) -> list[str]:
    return [
        f"{P}new/", f"{P}{w['val'].pk}/edit/", f"{P}competences/{w['competence'].pk}/edit/",
        f"{P}training/courses/new/", f"{P}training/courses/{w['quiz'].pk}/edit/",
        f"{P}training/campaigns/new/", f"{P}training/campaigns/{w['campaign'].pk}/edit/",
        f"{P}communication/new/", f"{P}communication/{w['item'].pk}/edit/",
    ]  # fmt: skip


def test_every_role_reads_only_managers_edit(world, members_a):
    for role, user in members_a.items():
        client = login(user)
        for url in read_pages(world):
            assert client.get(url).status_code == 200, (role, url)
        may_edit = role in (Role.OWNER, Role.ISMS_MANAGER)
        for url in edit_pages(world):
            assert client.get(url).status_code == (200 if may_edit else 403), (role, url)


def test_viewer_cannot_write_anything(world, members_a):
    client = login(members_a[Role.VIEWER])
    w = world
    posts = [
        (f"{P}new/", {"full_name": "Intruder"}),
        (f"{P}{w['val'].pk}/delete/", {}),
        (f"{P}{w['val'].pk}/competences/", {"competence": w["competence"].pk}),
        (f"{P}{w['val'].pk}/assign/", {"course": w["quiz"].pk}),
        (f"{P}competences/new/", {"name": "x"}),
        (f"{P}training/campaigns/{w['campaign'].pk}/launch/", {}),
        (f"{P}training/campaigns/{w['campaign'].pk}/close/", {}),
        (f"{P}training/assignments/{w['late'].pk}/record/", {"score": "100"}),
        (f"{P}training/assignments/{w['late'].pk}/excuse/", {"note": "x"}),
        (f"{P}training/assignments/{w['secure'].pk}/confirm/", {}),
        (f"{P}communication/{w['item'].pk}/done/", {}),
        (f"{P}communication/{w['item'].pk}/delete/", {}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    with org_context(w["val"].organisation):
        assert Person.objects.count() == 2
        assert TrainingAssignment.objects.get(pk=w["late"].pk).status == AssignmentStatus.ASSIGNED
        assert CommunicationItem.objects.get().last_done is None


def test_viewer_sees_my_training_and_the_dashboard_panel(world, members_a):
    client = login(members_a[Role.VIEWER])
    page = client.get(f"{P}training/mine/").content.decode()
    assert "My training" in page and "Security awareness basics" in page
    assert "Overdue" in page
    nav = client.get("/o/alpha/").content.decode()
    for label in ("People", "Training &amp; awareness", "Communication plan", "My training"):
        assert label in nav
    assert "My open training" in nav and "overdue assignment" in nav
    # Someone without a linked person is told how to get one.
    other = login(members_a[Role.AUDITOR]).get(f"{P}training/mine/").content.decode()
    assert "not linked" in other


def test_manager_adds_a_person_with_messages_on_errors(world, members_a):
    client = login(members_a[Role.ISMS_MANAGER])
    bad = client.post(f"{P}new/", {"full_name": "", "email": "nope"})
    assert bad.status_code == 200
    text = bad.content.decode()
    assert "This field is required" in text
    clash = client.post(
        f"{P}new/", {"full_name": "Copy", "user": members_a[Role.VIEWER].pk, "is_active": "on"}
    )
    assert "one person per login" in clash.content.decode()
    email = client.post(f"{P}new/", {"full_name": "Eve", "email": "not an address"})
    assert "valid e-mail" in email.content.decode()
    ok = client.post(f"{P}new/", {"full_name": "Nora New", "department": "HR",
                                  "manager": world["dev"].pk, "is_active": "on"})  # fmt: skip
    assert ok.status_code == 302
    detail = client.get(ok["Location"]).content.decode()
    assert "Nora New" in detail and "Dana Dev" in detail and "added to the register" in detail


def test_person_page_shows_competences_training_and_awareness(world, members_a):
    client = login(members_a[Role.ISMS_MANAGER])
    url = f"{P}{world['dev'].pk}/"
    bad = client.post(url + "competences/", {"competence": world["competence"].pk,
                                             "acquired_on": "2999-01-01"})  # fmt: skip
    assert "cannot be in the future" in bad.content.decode()
    ok = client.post(url + "competences/", {"competence": world["competence"].pk,
                                            "acquired_on": "2024-01-01",
                                            "evidence": "Course certificate"})  # fmt: skip
    assert ok.status_code == 302
    page = client.get(url).content.decode()
    assert "Course certificate" in page and "Secure development" in page
    assert "No policy has asked" in page
    # Dana has the quiz open from the campaign, and finished the other course: a refresher.
    assert (
        "already has" in client.post(url + "assign/", {"course": world["quiz"].pk}).content.decode()
    )
    course = world["secure"].course_id
    assigned = client.post(url + "assign/", {"course": course})
    assert assigned.status_code == 302
    again = client.post(url + "assign/", {"course": course})
    assert "already has" in again.content.decode()
    removed = client.post(f"{url}competences/{world['competence'].pk}/remove/")
    assert removed.status_code == 302


def test_recording_a_score_in_a_row_with_htmx(world, members_a):
    client = login(members_a[Role.ISMS_MANAGER])
    late = world["late"]
    url = f"{P}training/assignments/{late.pk}/record/"
    htmx = {"HTTP_HX_REQUEST": "true"}
    missing = client.post(url, {"cols": "campaign", "completed_on": ""}, **htmx)
    assert missing.status_code == 200 and "enter the score" in missing.content.decode()
    assert "HX-Trigger" not in missing
    row = client.post(url, {"cols": "campaign", "score": "92"}, **htmx)
    text = row.content.decode()
    assert row["HX-Trigger"] == "training-changed"
    assert text.lstrip().startswith("<tr") and "92 %" in text and "Completed" in text
    # The result is said in the row, not saved up for whatever page opens next.
    assert 'class="alert ok inplace-message"' in text and "completed with 92 %" in text
    assert "completed with 92 %" not in client.get(f"{P}training/overdue/").content.decode()
    progress = client.get(f"{P}training/campaigns/{world['campaign'].pk}/?part=progress")
    assert 'id="n-completed">1<' in progress.content.decode()
    again = client.post(url, {"score": "50", "next": f"{P}training/overdue/"})
    assert again.status_code == 302 and again["Location"] == f"{P}training/overdue/"


def test_failed_retake_and_excuse_without_javascript(world, members_a):
    client = login(members_a[Role.ISMS_MANAGER])
    a = world["late"]
    base = f"{P}training/assignments/{a.pk}/"
    done = client.post(base + "record/", {"score": "40"}, follow=True)
    assert "failed with 40 %" in done.content.decode()
    no_note = client.post(base + "excuse/", {"note": ""})
    assert "Say why" in no_note.content.decode()
    reset = client.post(base + "reset/", {"due_on": str(TODAY + dt.timedelta(days=7))})
    assert reset.status_code == 302
    excused = client.post(base + "excuse/", {"note": "Long-term leave"}, follow=True)
    assert "excused" in excused.content.decode()
    # An open redirect is not followed: only local paths are.
    evil = client.post(base + "reset/", {"next": "https://evil.example/"})
    assert evil["Location"].startswith("/o/alpha/")


def test_contributors_confirm_effectiveness_but_do_not_record(world, members_a):
    secure = world["secure"]
    contributor = login(members_a[Role.CONTRIBUTOR])
    assert contributor.post(f"{P}training/assignments/{world['late'].pk}/record/",
                            {"score": "90"}).status_code == 403  # fmt: skip
    page = contributor.get(f"{P}training/assignments/{secure.pk}/").content.decode()
    assert "Confirm effectiveness" in page and "Record the result" not in page
    response = contributor.post(f"{P}training/assignments/{secure.pk}/confirm/", {"note": "ok"})
    assert response.status_code == 302
    with org_context(secure.organisation):
        secure.refresh_from_db()
    assert secure.confirmed_by == members_a[Role.CONTRIBUTOR]


def test_campaign_create_launch_close(world, members_a):
    client = login(members_a[Role.ISMS_MANAGER])
    bad = client.post(
        f"{P}training/campaigns/new/",
        {
            "name": "Phishing",
            "course": world["quiz"].pk,
            "starts_on": "2025-05-10",
            "due_on": "2025-05-01",
        },  # fmt: skip
    )
    assert "cannot be before the start" in bad.content.decode()
    made = client.post(f"{P}training/campaigns/new/", {
        "name": "Engineering refresher", "course": world["quiz"].pk,
        "audience_departments": ["Engineering"], "starts_on": str(TODAY),
        "due_on": str(TODAY + dt.timedelta(days=20)),
    })  # fmt: skip
    assert made.status_code == 302
    with org_context(world["val"].organisation):
        campaign = Campaign.objects.get(name="Engineering refresher")
    url = f"{P}training/campaigns/{campaign.pk}/"
    assert "Not launched yet" in client.get(url).content.decode()
    launched = client.post(url + "launch/", follow=True).content.decode()
    # Dana already has the quiz open from the annual campaign: nobody new is assigned.
    assert "Campaign launched: 0 assignments" in launched
    assert client.post(url + "close/").status_code == 302
    with org_context(world["val"].organisation):
        assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.CLOSED
    closed = client.post(url + "launch/", follow=True).content.decode()
    assert "closed" in closed


def test_competences_and_communication_forms(world, members_a):
    client = login(members_a[Role.ISMS_MANAGER])
    dup = client.post(f"{P}competences/new/", {"name": "secure coding"})
    assert "already" in dup.content.decode()
    assert client.post(f"{P}competences/new/", {"name": "Incident handling"}).status_code == 302
    empty = client.post(f"{P}communication/new/", {"topic": "x"})
    assert "This field is required" in empty.content.decode()
    item = world["item"]
    done = client.post(f"{P}communication/{item.pk}/done/",
                       {"next_due": str(TODAY + dt.timedelta(days=30))}, follow=True)  # fmt: skip
    assert "marked done" in done.content.decode()
    late = client.post(f"{P}communication/{item.pk}/done/", {"next_due": "2000-01-01"},
                       follow=True)  # fmt: skip
    assert "not marked done" in late.content.decode()
    with org_context(world["val"].organisation):
        item.refresh_from_db()
        assert item.last_done == TODAY
        assert Competence.objects.count() == 2


def test_empty_organisation_pages_explain_themselves(org_a, members_a):
    client = login(members_a[Role.VIEWER])
    assert "No staff recorded yet" in client.get(P).content.decode()
    assert "No campaign yet" in client.get(f"{P}training/").content.decode()
    assert "No training is overdue" in client.get(f"{P}training/overdue/").content.decode()
    assert "No communication planned yet" in client.get(f"{P}communication/").content.decode()
    assert "No competence defined yet" in client.get(f"{P}competences/").content.decode()
    assert (
        "Training &amp; awareness" not in client.get("/o/alpha/").content.decode().split("<main")[1]
    )  # no dashboard panel when there is nothing to say


def test_no_inline_styles_or_scripts(world, members_a):
    client = login(members_a[Role.OWNER])
    for url in read_pages(world) + edit_pages(world):
        body = client.get(url).content.decode()
        assert " style=" not in body, url
        assert "<script>" not in body, url
