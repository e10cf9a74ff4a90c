"""Queries per page and per API list stay flat from 20 to 2,000 staff (and their training)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from openisms.core.access import find_access
from openisms.core.context import acting_as, org_context
from openisms.core.permissions import Role
from openisms.core.services.tokens import issue_token
from openisms.people import dashboard
from openisms.people.models import AssignmentStatus, Person, TrainingAssignment
from openisms.people.services import staff, training
from tests.conftest import login

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _today():
    """Today as the test runs, not as the module was imported (a suite may cross midnight)."""
    global TODAY
    TODAY = timezone.localdate()


DEPARTMENTS = ("Production", "Engineering", "IT", "Finance", "Sales", "HR", "Logistics")


def grow(org, n: int, campaign, boss) -> None:
    """``n`` more people, each with an assignment of the campaign: a third completed with a
    score, the rest overdue."""
    people = Person.objects.bulk_create(
        [
            Person(
                organisation=org,
                full_name=f"Person {i:05d} {id(campaign)}",
                department=DEPARTMENTS[i % len(DEPARTMENTS)],
                manager=boss,
                email=f"p{i}@example.test",
            )  # fmt: skip
            for i in range(n)
        ],
        audit_summary=f"{n} test people",
    )
    TrainingAssignment.objects.bulk_create(
        [
            TrainingAssignment(
                organisation=org,
                person=p,
                course_id=campaign.course_id,
                campaign=campaign,
                due_on=TODAY - dt.timedelta(days=5),
                status=AssignmentStatus.COMPLETED if i % 3 == 0 else AssignmentStatus.ASSIGNED,
                score=90 if i % 3 == 0 else None,
                completed_on=TODAY - dt.timedelta(days=6) if i % 3 == 0 else None,
            )  # fmt: skip
            for i, p in enumerate(people)
        ],
        audit_summary=f"{n} test assignments",
    )


def count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        assert response.status_code == 200, (url, response.content[:500])
    return len(ctx)


def test_people_lists_stay_flat_from_20_to_2000(org_a, members_a, django_assert_max_num_queries):
    owner = members_a[Role.OWNER]
    with org_context(org_a), acting_as(owner):
        boss = staff.create_person({"full_name": "Boss", "department": "IT", "user": owner})
        course = training.create_course({"title": "Awareness", "pass_score": 80})
        campaign = training.create_campaign(
            {
                "name": "Annual",
                "course": course,
                "audience_all": True,
                "due_on": TODAY + dt.timedelta(days=3),
            }  # fmt: skip
        )
        training.launch_campaign(campaign)
        grow(org_a, 20, campaign, boss)
    web = login(owner)
    api = Client(headers={"Authorization": f"Bearer {issue_token(owner, org_a, 'q')[1]}"})
    c = campaign.pk
    pages = [
        "/o/alpha/people/", "/o/alpha/people/?department=IT&q=person",
        "/o/alpha/people/?active=all&page=2", "/o/alpha/people/training/",
        f"/o/alpha/people/training/campaigns/{c}/",
        f"/o/alpha/people/training/campaigns/{c}/?status=overdue&department=Sales",
        "/o/alpha/people/training/overdue/", "/o/alpha/people/training/overdue/?department=HR",
        f"/o/alpha/people/training/overdue/?course={course.pk}&page=3",
        f"/o/alpha/people/{boss.pk}/", "/o/alpha/people/training/mine/",
        "/o/alpha/people/competences/",
    ]  # fmt: skip
    apis = [
        "/api/v1/people/persons?limit=200", "/api/v1/people/persons?limit=200&department=IT",
        "/api/v1/people/assignments?limit=200", "/api/v1/people/overdue?limit=200",
        "/api/v1/people/campaigns", f"/api/v1/people/campaigns/{c}", "/api/v1/people/courses",
        f"/api/v1/people/persons/{boss.pk}", "/api/v1/people/my-training",
    ]  # fmt: skip
    small = {u: count(web, u) for u in pages} | {u: count(api, u) for u in apis}
    access = find_access(owner, "alpha")
    with org_context(org_a), CaptureQueriesContext(connection) as ctx:
        assert dashboard.panel(access) is not None
    small["panel"] = len(ctx)

    with org_context(org_a), acting_as(owner):
        grow(org_a, 1979, campaign, boss)
        assert Person.objects.count() == 2000
    for url in pages:
        with django_assert_max_num_queries(small[url]):
            assert web.get(url).status_code == 200, url
    for url in apis:
        with django_assert_max_num_queries(small[url]):
            assert api.get(url).status_code == 200, url
    with org_context(org_a), django_assert_max_num_queries(small["panel"]):
        panel = dashboard.panel(access)
    assert panel["context"]["overdue"] > 1000
    listed = api.get("/api/v1/people/persons?limit=200").json()
    assert listed["count"] == 2000 and len(listed["items"]) == 200
    assert max(small.values()) <= 16, small
