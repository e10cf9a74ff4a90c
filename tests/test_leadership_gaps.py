"""Competence gaps (7.2): each role's required competences against what its holders have —
recorded evidence, a passed course granting the competence, expired evidence, nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from openisms.core.context import org_context
from openisms.leadership import selectors
from openisms.leadership.models import IsmsRole
from openisms.leadership.services import roles
from openisms.people.models import (
    AssignmentStatus,
    Competence,
    Course,
    Effectiveness,
    Person,
    PersonCompetence,
    TrainingAssignment,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(org_a, system_actor):
    """An auditor role requiring two competences, with four holders in four situations."""
    today = timezone.localdate()
    with org_context(org_a):
        audit = Competence.objects.create(organisation=org_a, name="Internal auditing")
        standard = Competence.objects.create(organisation=org_a, name="ISO 27001 knowledge")
        course = Course.objects.create(
            organisation=org_a, title="ISO 27001 foundation", effectiveness=Effectiveness.QUIZ,
            pass_score=70, validity_months=24,
        )  # fmt: skip
        course.competences.set([standard])
        people = {
            name: Person.objects.create(organisation=org_a, full_name=name)
            for name in ("Rita Recorded", "Carl Course", "Eve Expired", "Nick Nothing", "Lou Left")
        }
        people["Lou Left"].is_active = False
        people["Lou Left"].save()
        PersonCompetence.objects.create(
            organisation=org_a, person=people["Rita Recorded"], competence=audit,
            evidence="Lead auditor certificate", expires_on=today + dt.timedelta(days=30),
        )  # fmt: skip
        PersonCompetence.objects.create(
            organisation=org_a, person=people["Rita Recorded"], competence=standard
        )
        TrainingAssignment.objects.create(
            organisation=org_a, person=people["Carl Course"], course=course,
            status=AssignmentStatus.COMPLETED, completed_on=today - dt.timedelta(days=40),
            score=85,
        )  # fmt: skip
        PersonCompetence.objects.create(
            organisation=org_a, person=people["Eve Expired"], competence=audit,
            expires_on=today - dt.timedelta(days=1),
        )  # fmt: skip
        # An old completion past the course's validity gives nothing any more.
        TrainingAssignment.objects.create(
            organisation=org_a, person=people["Eve Expired"], course=course,
            status=AssignmentStatus.COMPLETED, completed_on=today - dt.timedelta(days=800),
            score=90,
        )  # fmt: skip
        # Only assigned, not completed: not held.
        TrainingAssignment.objects.create(
            organisation=org_a, person=people["Nick Nothing"], course=course
        )
        role = IsmsRole.objects.get(name="Internal auditor")
        roles.update_role(
            role, {"holders": list(people.values()), "required_competences": [audit, standard]}
        )
    return {"role": role, "audit": audit, "standard": standard, "people": people,
            "course": course}  # fmt: skip


def cells_by_person(result):
    return {
        row.person.full_name: {c.competence.name: (c.status, c.source) for c in row.cells}
        for row in result.rows
    }


def test_gaps_distinguish_recorded_course_expired_and_missing(org_a, team):
    with org_context(org_a):
        result = selectors.competence_gaps(team["role"].pk)
    assert len(result) == 1
    cells = cells_by_person(result[0])
    assert "Lou Left" not in cells  # people who left are not counted
    assert cells["Rita Recorded"] == {
        "Internal auditing": ("held", "record"), "ISO 27001 knowledge": ("held", "record")
    }  # fmt: skip
    assert cells["Carl Course"] == {
        "Internal auditing": ("missing", ""), "ISO 27001 knowledge": ("held", "course")
    }  # fmt: skip
    assert cells["Eve Expired"] == {
        "Internal auditing": ("expired", ""), "ISO 27001 knowledge": ("missing", "")
    }  # fmt: skip
    assert cells["Nick Nothing"] == {
        "Internal auditing": ("missing", ""), "ISO 27001 knowledge": ("missing", "")
    }  # fmt: skip
    assert (result[0].gaps, result[0].people_with_gaps) == (5, 3)


def test_a_course_confirmed_by_a_manager_counts_only_once_confirmed(org_a, team, members_a):
    from openisms.core.permissions import Role

    with org_context(org_a):
        course = team["course"]
        course.effectiveness = Effectiveness.MANAGER
        course.pass_score = None
        course.save()
        row = lambda: cells_by_person(selectors.competence_gaps(team["role"].pk)[0])  # noqa: E731
        assert row()["Carl Course"]["ISO 27001 knowledge"] == ("missing", "")
        TrainingAssignment.objects.filter(person=team["people"]["Carl Course"]).update(
            confirmed_by=members_a[Role.OWNER], confirmed_on=timezone.localdate()
        )
        assert row()["Carl Course"]["ISO 27001 knowledge"] == ("held", "course")


def test_roles_without_requirements_or_holders_have_no_gaps(org_a, team):
    with org_context(org_a):
        everything = {r.role.name: r for r in selectors.competence_gaps()}
    assert everything["Internal auditor"].gaps == 5
    assert everything["Top management"].gaps == 0
    assert everything["Top management"].rows == []
    assert everything["All staff"].competences == []
