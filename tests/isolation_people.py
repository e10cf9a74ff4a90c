"""Organisation B's people records, for tests/test_isolation.py: every page and API route of
the people module that takes one must answer 404 to members of A."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from openisms.people.services import communication, staff, training

DUE = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
SOME_ID = "00000000-0000-4000-8000-000000000042"
# What the people API's bodies need to pass validation, so the 404 comes from the organisation.
API_BODY = {
    "full_name": "x", "competence": SOME_ID, "course": SOME_ID, "person": SOME_ID,
    "due_on": DUE, "note": "x", "topic": "x", "audience": "x", "timing": "x", "channel": "x",
}  # fmt: skip


def b_objects(org_b, owner) -> dict[str, str]:
    person = staff.create_person({"full_name": "B secret staff member", "department": "B dept"})
    competence = staff.create_competence({"name": "B secret competence"})
    staff.record_competence(person, {"competence": competence, "evidence": "B secret evidence"})
    course = training.create_course({"title": "B secret course", "pass_score": 80})
    campaign = training.create_campaign(
        {"name": "B secret campaign", "course": course, "audience_people": [person], "due_on": DUE}
    )
    training.launch_campaign(campaign)
    assignment = campaign.assignments.get()
    item = communication.create_item({"topic": "B secret topic", "audience": "B board",
                                      "timing": "B quarterly", "channel": "B channel"})  # fmt: skip
    return {
        "person_id": str(person.pk),
        "competence_id": str(competence.pk),
        "course_id": str(course.pk),
        "campaign_id": str(campaign.pk),
        "assignment_id": str(assignment.pk),
        "item_id": str(item.pk),
    }
