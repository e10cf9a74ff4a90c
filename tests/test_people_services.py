"""People services: the staff register, campaigns and their audiences, results from scores,
effectiveness, overdue training, competences held (recorded and from courses), the plan."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from openisms.core.context import acting_as, org_context
from openisms.core.permissions import Role
from openisms.people import selectors
from openisms.people.models import (
    AssignmentStatus,
    CampaignStatus,
    Person,
    TrainingAssignment,
)
from openisms.people.services import communication, staff, training
from tests.conftest import make_member

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _today():
    """Today as the test runs, not as the module was imported (a suite may cross midnight)."""
    global TODAY
    TODAY = timezone.localdate()


def days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


@pytest.fixture
def org(org_a, members_a):
    with org_context(org_a), acting_as(members_a[Role.ISMS_MANAGER]):
        yield org_a


def person(name: str, department: str = "", **extra) -> Person:
    return staff.create_person({"full_name": name, "department": department, **extra})


def quiz(title: str = "Awareness", pass_score: int = 80, **extra):
    return training.create_course(
        {"title": title, "effectiveness": "quiz", "pass_score": pass_score, **extra}
    )


# --- staff --------------------------------------------------------------------------------


def test_one_person_per_user_and_only_members(org, members_a, org_b):
    viewer = members_a[Role.VIEWER]
    val = person("Val", user=viewer)
    assert selectors.person_for_user(viewer) == val
    with pytest.raises(ValidationError) as exc:
        person("Someone else", user=viewer)
    assert "one person per login" in exc.value.message_dict["user"][0]
    stranger = make_member(org_b, "b-stranger", Role.VIEWER)
    with pytest.raises(ValidationError) as exc:
        person("Stranger", user=stranger)
    assert "not a member" in exc.value.message_dict["user"][0]
    # The same user may be linked again once the first person is unlinked.
    staff.update_person(val, {"user": None})
    assert person("Val again", user=viewer).user == viewer
    assert selectors.person_for_user(None) is None


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"full_name": ""}, "full_name"),
        ({"full_name": "x\x00"}, "full_name"),
        ({"full_name": "x", "email": "not-an-address"}, "email"),
        ({"full_name": "x", "start_date": "31/12/2024"}, "start_date"),
        ({"full_name": "x", "manager": "00000000-0000-0000-0000-000000000001"}, "manager"),
    ],
)
def test_bad_people_are_refused(org, data, field):
    with pytest.raises(ValidationError) as exc:
        staff.create_person(data)
    assert field in exc.value.message_dict
    assert not Person.objects.exists()


def test_reporting_lines_have_no_cycles(org):
    boss = person("Boss")
    deputy = person("Deputy", manager=boss)
    with pytest.raises(ValidationError) as exc:
        staff.update_person(boss, {"manager": deputy})
    assert "reports to" in exc.value.message_dict["manager"][0]
    with pytest.raises(ValidationError):
        staff.update_person(boss, {"manager": boss})


def test_leaver_is_deactivated_and_open_training_excused(org):
    leaver = person("Leaver")
    course = quiz()
    open_one = training.assign(leaver, course, due_on=days(5))
    staff.deactivate_person(leaver)
    open_one.refresh_from_db()
    assert not leaver.is_active
    assert open_one.status == AssignmentStatus.EXCUSED and "no longer active" in open_one.notes
    with pytest.raises(ValidationError, match="deactivate"):
        staff.delete_person(leaver)
    mistake = person("Typo")
    staff.delete_person(mistake)
    assert not Person.objects.filter(full_name="Typo").exists()


def test_competences_are_unique_by_name_and_protected(org):
    c = staff.create_competence({"name": "Secure coding"})
    with pytest.raises(ValidationError) as exc:
        staff.create_competence({"name": "secure CODING"})
    assert "already" in exc.value.message_dict["name"][0]
    holder = person("Dev")
    staff.record_competence(holder, {"competence": c, "acquired_on": days(-10)})
    with pytest.raises(ValidationError, match="remove those records"):
        staff.delete_competence(c)
    with pytest.raises(ValidationError) as exc:
        staff.record_competence(holder, {"competence": c, "acquired_on": days(3)})
    assert "future" in exc.value.message_dict["acquired_on"][0]
    with pytest.raises(ValidationError) as exc:
        staff.record_competence(
            holder, {"competence": c, "acquired_on": days(-3), "expires_on": days(-5)}
        )
    assert "expires_on" in exc.value.message_dict
    # Recording again updates the one record.
    staff.record_competence(holder, {"competence": c, "evidence": "Certificate 42"})
    assert holder.competences.get().evidence == "Certificate 42"


# --- campaigns ----------------------------------------------------------------------------


def test_launch_assigns_the_audience_exactly_once(org):
    it = [person(f"IT {i}", "IT") for i in range(3)]
    person("Gone", "IT", is_active=False)
    sales = person("Sales one", "Sales")
    chosen = person("Chosen", "Finance")
    person("Not chosen", "Finance")
    course = quiz()
    already = training.assign(it[0], course, due_on=days(3))
    campaign = training.create_campaign({
        "name": "IT and one more", "course": course, "audience_departments": ["IT"],
        "audience_people": [chosen], "due_on": days(30),
    })  # fmt: skip
    assert campaign.status == CampaignStatus.DRAFT
    assert training.launch_campaign(campaign) == 3  # IT 1, IT 2, Chosen (IT 0 has it open)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.RUNNING
    got = set(campaign.assignments.values_list("person__full_name", flat=True))
    assert got == {"IT 1", "IT 2", "Chosen"}
    assert all(a.due_on == days(30) for a in campaign.assignments.all())
    assert training.launch_campaign(campaign) == 0  # nothing twice
    # A newcomer joins the department: launching again assigns only them.
    person("IT newcomer", "IT")
    assert training.launch_campaign(campaign) == 1
    assert TrainingAssignment.objects.filter(person=it[1], course=course).count() == 1
    already.refresh_from_db()
    assert already.campaign is None
    everyone = training.create_campaign({"name": "All", "course": course, "audience_all": True,
                                         "due_on": days(10)})  # fmt: skip
    # Everyone active without an open assignment of the course: Sales one, Not chosen.
    assert training.launch_campaign(everyone) == 2
    assert TrainingAssignment.objects.filter(person=sales).count() == 1
    training.close_campaign(everyone)
    with pytest.raises(ValidationError, match="closed"):
        training.launch_campaign(everyone)


def test_campaign_rules(org):
    course = quiz()
    with pytest.raises(ValidationError) as exc:
        training.create_campaign({"name": "x", "course": course, "starts_on": days(5),
                                  "due_on": days(1)})  # fmt: skip
    assert "due_on" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        training.create_campaign({"name": "x", "due_on": days(1)})
    assert "course" in exc.value.message_dict
    empty = training.create_campaign({"name": "Nobody", "course": course, "due_on": days(3)})
    with pytest.raises(ValidationError, match="audience is empty"):
        training.launch_campaign(empty)
    training.delete_campaign(empty)
    person("A", "Ops")
    running = training.create_campaign(
        {"name": "Ops", "course": course, "audience_departments": ["Ops"], "due_on": days(3)}
    )
    training.launch_campaign(running)
    with pytest.raises(ValidationError, match="draft"):
        training.delete_campaign(running)
    with pytest.raises(ValidationError) as exc:
        training.update_campaign(running, {"course": quiz("Other")})
    assert "course" in exc.value.message_dict


# --- results ------------------------------------------------------------------------------


def test_quiz_score_decides_pass_or_fail_and_a_retake(org):
    course = quiz(pass_score=80)
    p1, p2 = person("Passes"), person("Fails")
    passed = training.record_completion(training.assign(p1, course), score=80)
    assert (passed.status, passed.score, passed.completed_on) == ("completed", 80, TODAY)
    failed = training.record_completion(
        training.assign(p2, course), score=79, completed_on=days(-2)
    )
    assert failed.status == AssignmentStatus.FAILED and failed.completed_on == days(-2)
    with pytest.raises(ValidationError, match="reset it"):
        training.record_completion(failed, score=95)
    retake = training.reset(failed, due_on=days(14))
    assert retake.status == AssignmentStatus.ASSIGNED and retake.score is None
    assert "failed with 79 %" in retake.notes and retake.due_on == days(14)
    assert training.record_completion(retake, score=95).status == AssignmentStatus.COMPLETED


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({}, "score"),  # a quiz needs its score
        ({"score": 101}, "score"),
        ({"score": -1}, "score"),
        ({"score": "eighty"}, "score"),
        ({"score": 90, "completed_on": days(1)}, "completed_on"),
    ],
)
def test_bad_results_are_refused(org, kwargs, field):
    a = training.assign(person("P"), quiz())
    with pytest.raises(ValidationError) as exc:
        training.record_completion(a, **kwargs)
    assert field in exc.value.message_dict
    a.refresh_from_db()
    assert a.status == AssignmentStatus.ASSIGNED


def test_manager_confirmation_and_excuses(org, members_a):
    course = training.create_course({"title": "Secure dev", "effectiveness": "manager"})
    assert course.pass_score is None
    trainee_user = members_a[Role.CONTRIBUTOR]
    dev = person("Dev", user=trainee_user)
    a = training.assign(dev, course)
    with pytest.raises(ValidationError, match="Record the completion"):
        training.confirm_effectiveness(a, user=members_a[Role.ISMS_MANAGER])
    a = training.record_completion(a)  # no quiz: no score needed
    assert a.status == AssignmentStatus.COMPLETED and a.confirmed_on is None
    with pytest.raises(ValidationError, match="your own"):
        training.confirm_effectiveness(a, user=trainee_user)
    a = training.confirm_effectiveness(a, user=members_a[Role.ISMS_MANAGER], notes="Good")
    assert a.confirmed_by == members_a[Role.ISMS_MANAGER] and a.confirmed_on == TODAY
    with pytest.raises(ValidationError, match="already"):
        training.confirm_effectiveness(a, user=members_a[Role.OWNER])
    quiz_a = training.record_completion(training.assign(dev, quiz()), score=90)
    with pytest.raises(ValidationError, match="not checked by manager"):
        training.confirm_effectiveness(quiz_a, user=members_a[Role.OWNER])
    open_a = training.assign(dev, quiz("Other"))
    with pytest.raises(ValidationError) as exc:
        training.excuse(open_a, note="  ")
    assert "note" in exc.value.message_dict
    assert training.excuse(open_a, note="Parental leave").status == AssignmentStatus.EXCUSED
    with pytest.raises(ValidationError, match="open or failed"):
        training.excuse(quiz_a, note="x")


def test_quiz_courses_need_a_pass_score(org):
    assert quiz().pass_score == 80
    assert training.create_course({"title": "Default"}).pass_score == 80  # quiz by default
    course = quiz("Strict", pass_score=90)
    with pytest.raises(ValidationError) as exc:
        training.update_course(course, {"pass_score": None})
    assert "pass_score" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        training.create_course({"title": "x", "validity_months": 0})
    assert "validity_months" in exc.value.message_dict
    training.assign(person("P"), course)
    with pytest.raises(ValidationError, match="inactive"):
        training.delete_course(course)


def test_overdue_is_assigned_and_past_its_due_date(org):
    course = quiz()
    late = training.assign(person("Late"), course, due_on=days(1))
    TrainingAssignment.objects.filter(pk=late.pk).update(due_on=days(-1))
    late.refresh_from_db()
    today = training.assign(person("Due today"), course, due_on=TODAY)
    undated = training.assign(person("No date"), course)
    done = training.assign(person("Done late"), course, due_on=days(1))
    training.record_completion(done, score=99)
    TrainingAssignment.objects.filter(pk=done.pk).update(due_on=days(-3))
    assert late.is_overdue and not today.is_overdue and not undated.is_overdue
    assert [a.person.full_name for a in selectors.overdue()] == ["Late"]
    assert selectors.overdue_count() == 1
    with pytest.raises(ValidationError) as exc:
        training.assign(person("Past"), course, due_on=days(-1))
    assert "due_on" in exc.value.message_dict
    with pytest.raises(ValidationError, match="already has"):
        training.assign(late.person, course)


# --- competences held ---------------------------------------------------------------------


def test_held_competences_recorded_expiry_and_courses(org, members_a):
    lead, coding, gdpr = (
        staff.create_competence({"name": n}) for n in ("Lead implementer", "Secure coding", "GDPR")
    )
    ana, ben, cleo, dan = (person(n) for n in ("Ana", "Ben", "Cleo", "Dan"))
    staff.record_competence(ana, {"competence": lead, "acquired_on": days(-400),
                                  "expires_on": TODAY})  # fmt: skip
    staff.record_competence(ben, {"competence": lead, "acquired_on": days(-800),
                                  "expires_on": days(-1)})  # fmt: skip
    yearly = quiz("GDPR basics", validity_months=12, competences=[gdpr])
    a = training.record_completion(training.assign(ana, yearly), score=90)
    b = training.record_completion(training.assign(ben, yearly), score=90)
    TrainingAssignment.objects.filter(pk=b.pk).update(
        completed_on=selectors.add_months(TODAY, -12) - dt.timedelta(days=1)
    )
    failed = training.record_completion(training.assign(cleo, yearly), score=10)
    assert failed.status == "failed"
    secure = training.create_course(
        {"title": "Secure dev", "effectiveness": "manager", "competences": [coding]}
    )
    training.record_completion(training.assign(cleo, secure))  # not confirmed yet
    d = training.record_completion(training.assign(dan, secure))
    training.confirm_effectiveness(d, user=members_a[Role.OWNER])

    with CaptureQueriesContext(connection) as ctx:
        held = selectors.held_competences(Person.objects.all())
    assert len(ctx) == 3  # the people, the records, the passed courses

    assert set(held[ana.pk]) == {lead.pk, gdpr.pk}  # expiring today still counts
    assert held[ana.pk][lead.pk].kind == "record"
    assert held[ana.pk][gdpr.pk].kind == "course"
    assert held[ana.pk][gdpr.pk].until == selectors.add_months(a.completed_on, 12)
    assert "GDPR basics" in str(held[ana.pk][gdpr.pk])
    assert held[ben.pk] == {}  # record expired, course older than its validity
    assert held[cleo.pk] == {}  # failed quiz; manager course not confirmed
    assert set(held[dan.pk]) == {coding.pk}
    assert held[dan.pk][coding.pk].until is None  # no validity: never lapses
    # Ids work as well as people, and the count stays at two queries for a list of ids.
    ids = [ana.pk, dan.pk]
    with CaptureQueriesContext(connection) as ctx:
        assert set(selectors.held_competences(ids)) == set(ids)
    assert len(ctx) == 2
    assert selectors.held_competences([]) == {}


def test_longest_lasting_source_wins(org):
    c = staff.create_competence({"name": "Incident handling"})
    p = person("P")
    staff.record_competence(p, {"competence": c, "expires_on": days(30)})
    course = training.create_course(
        {"title": "Tabletop", "effectiveness": "none", "competences": [c]}
    )
    training.record_completion(training.assign(p, course))
    source = selectors.held_competences([p])[p.pk][c.pk]
    assert source.kind == "course" and source.until is None


def test_add_months_clamps_to_the_month_end():
    assert selectors.add_months(dt.date(2025, 1, 31), 1) == dt.date(2025, 2, 28)
    assert selectors.add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert selectors.add_months(dt.date(2025, 11, 15), 14) == dt.date(2027, 1, 15)
    assert selectors.add_months(dt.date(2025, 3, 15), -12) == dt.date(2024, 3, 15)


# --- progress, communication --------------------------------------------------------------


def test_campaign_progress_counts(org):
    course = quiz()
    people = [person(f"P{i}", "Ops") for i in range(5)]
    campaign = training.create_campaign(
        {"name": "Ops", "course": course, "audience_all": True, "due_on": days(3)}
    )
    training.launch_campaign(campaign)
    rows = {a.person.full_name: a for a in campaign.assignments.select_related("person")}
    training.record_completion(rows["P0"], score=90)
    training.record_completion(rows["P1"], score=85)
    training.record_completion(rows["P2"], score=20)
    training.excuse(rows["P3"], note="Sick leave")
    TrainingAssignment.objects.filter(pk=rows["P4"].pk).update(due_on=days(-1))
    progress = selectors.progress_of(selectors.campaigns().get(pk=campaign.pk))
    assert (progress.total, progress.completed, progress.failed, progress.excused) == (5, 2, 1, 1)
    assert (progress.assigned, progress.overdue, progress.counted) == (1, 1, 4)
    assert (progress.pct_completed, progress.pct_failed, progress.pct_overdue) == (50, 25, 25)
    assert progress.x_overdue == 75 and len(people) == 5


def test_communication_plan(org):
    owner = person("Olivia")
    item = communication.create_item({
        "topic": "ISMS status", "audience": "Board", "timing": "Quarterly",
        "channel": "Board meeting", "responsible": owner, "next_due": days(-2),
    })  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        communication.create_item({"topic": "x", "audience": "", "timing": "t", "channel": "c"})
    assert "audience" in exc.value.message_dict
    communication.mark_done(item)
    assert item.last_done == TODAY and item.next_due is None  # a past due date is cleared
    communication.mark_done(item, done_on=days(-1), next_due=days(90))
    assert (item.last_done, item.next_due) == (days(-1), days(90))
    with pytest.raises(ValidationError) as exc:
        communication.mark_done(item, next_due=days(-5))
    assert "next_due" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        communication.mark_done(item, done_on=days(2))
    assert "done_on" in exc.value.message_dict
    communication.delete_item(item)


def test_demo_builder_is_idempotent(org_a, members_a):
    from openisms.people.demo import build_demo
    from openisms.people.models import Campaign, CommunicationItem

    with org_context(org_a), acting_as(members_a[Role.OWNER]):
        make_member(org_a, "viewer", Role.VIEWER)
        make_member(org_a, "manager", Role.ISMS_MANAGER)
        build_demo(org_a)
        counts = (Person.objects.count(), TrainingAssignment.objects.count())
        build_demo(org_a)
        assert (Person.objects.count(), TrainingAssignment.objects.count()) == counts
        assert counts[0] == 36
        assert (
            selectors.person_for_user(Person.objects.get(full_name="Val Viewer").user).full_name
            == "Val Viewer"
        )
        running = selectors.campaigns(CampaignStatus.RUNNING).get()
        progress = selectors.progress_of(running)
        assert progress.total == 36 and 55 <= progress.pct_completed <= 65
        assert progress.failed >= 2 and progress.overdue >= 5
        assert Campaign.objects.filter(status=CampaignStatus.DRAFT).exists()
        assert CommunicationItem.objects.count() == 6
        held = selectors.held_competences(Person.objects.filter(full_name="Sofia Rossi"))
        assert any(s.kind == "course" for s in next(iter(held.values())).values())
