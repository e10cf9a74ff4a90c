"""Queries per page and API call do not grow with processes, staff or commitment records."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from openisms.core.context import org_context
from openisms.core.permissions import Role
from openisms.core.services.tokens import issue_token
from openisms.leadership.models import Commitment, IsmsProcess, IsmsRole, RaciAssignment
from openisms.people.models import (
    AssignmentStatus,
    Competence,
    Course,
    Person,
    PersonCompetence,
    TrainingAssignment,
)
from tests.conftest import login

pytestmark = pytest.mark.django_db
PAGES = [
    "/o/alpha/leadership/raci/",
    "/o/alpha/leadership/roles/",
    "/o/alpha/leadership/competence-gaps/",
    "/o/alpha/leadership/commitments/",
]
API = [
    "/api/v1/leadership/raci",
    "/api/v1/leadership/roles?limit=200",
    "/api/v1/leadership/processes?limit=200",
    "/api/v1/leadership/commitments?limit=200",
    "/api/v1/leadership/competence-gaps",
]


def count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200, url
    return len(ctx)


def add_processes(org, n: int, start: int) -> None:
    roles = list(IsmsRole.objects.all())
    processes = IsmsProcess.objects.bulk_create(
        [IsmsProcess(organisation=org, name=f"Process {i}", order=1000 + i)
         for i in range(start, start + n)],
        audit_summary="test processes",
    )  # fmt: skip
    RaciAssignment.objects.bulk_create(
        [RaciAssignment(organisation=org, process=p, role=r, letter="ARCI"[j % 4])
         for p in processes for j, r in enumerate(roles)],
        audit_summary="test cells",
    )  # fmt: skip


def add_staff(org, n: int, start: int, competences, course) -> None:
    """``n`` people holding the auditor role and all staff, with a mix of evidence."""
    today = timezone.localdate()
    people = Person.objects.bulk_create(
        [Person(organisation=org, full_name=f"Person {i:05d}", job_title="Engineer")
         for i in range(start, start + n)],
        audit_summary="test staff",
    )  # fmt: skip
    auditor = IsmsRole.objects.get(name="Internal auditor")
    everyone = IsmsRole.objects.get(name="All staff")
    through = IsmsRole.holders.through
    through.objects.bulk_create(
        [through(ismsrole_id=role.pk, person_id=p.pk) for p in people
         for role in (auditor, everyone)]
    )  # fmt: skip
    PersonCompetence.objects.bulk_create(
        [PersonCompetence(organisation=org, person=p, competence=competences[i % 2],
                          expires_on=today + dt.timedelta(days=(i % 3 - 1) * 30))
         for i, p in enumerate(people)],
        audit_summary="test evidence",
    )  # fmt: skip
    TrainingAssignment.objects.bulk_create(
        [TrainingAssignment(organisation=org, person=p, course=course,
                            status=AssignmentStatus.COMPLETED, completed_on=today, score=90)
         for p in people[::3]],
        audit_summary="test training",
    )  # fmt: skip
    Commitment.objects.bulk_create(
        [Commitment(organisation=org, kind="resource", title=f"Grant {i}", amount=i)
         for i in range(start, start + n // 10)],
        audit_summary="test commitments",
    )  # fmt: skip


def test_leadership_pages_and_api_are_flat(members_a, org_a, system_actor,
                                           django_assert_max_num_queries):  # fmt: skip
    owner = members_a[Role.OWNER]
    web = login(owner)
    _, raw = issue_token(owner, org_a, "counts")
    api = Client(headers={"Authorization": f"Bearer {raw}"})
    with org_context(org_a):
        competences = [
            Competence.objects.create(organisation=org_a, name=n) for n in ("Audit", "Law")
        ]
        course = Course.objects.create(organisation=org_a, title="Auditing 101")
        course.competences.set(competences[:1])
        auditor = IsmsRole.objects.get(name="Internal auditor")
        auditor.required_competences.set(competences)
        IsmsRole.objects.get(name="All staff").required_competences.set(competences[1:])
        IsmsProcess.objects.all().delete()  # the RACI matrix: 5 processes, then 40
        add_processes(org_a, 5, 0)
        add_staff(org_a, 20, 0, competences, course)
    urls = PAGES + [f"/o/alpha/leadership/competence-gaps/?role={auditor.pk}"]
    small = {url: count(web, url) for url in urls} | {url: count(api, url) for url in API}

    with org_context(org_a):
        add_processes(org_a, 35, 100)
        add_staff(org_a, 2000, 100, competences, course)

    started = time.monotonic()
    for url in urls:
        with django_assert_max_num_queries(small[url]):
            response = web.get(url)
            assert response.status_code == 200
    for url in API:
        with django_assert_max_num_queries(small[url]):
            assert api.get(url).status_code == 200
    elapsed = time.monotonic() - started
    print("queries:", small, f"many rows: {elapsed:.2f}s")
    assert max(small.values()) <= 20, small
    page = web.get(f"/o/alpha/leadership/competence-gaps/?role={auditor.pk}").content.decode()
    assert page.count("Person 0") == 2020  # every holder listed when the role is chosen
    assert elapsed < 60, elapsed
