"""The people module's dashboard panel: overdue training, running campaigns, my open training.

At most four queries whatever the number of staff, campaigns or assignments.
"""

from __future__ import annotations

from typing import Any

from openisms.people import selectors
from openisms.people.models import AssignmentStatus, Person, TrainingAssignment


def panel(access: Any) -> dict[str, Any] | None:
    if not access.can("records.view"):
        return None
    running = selectors.running_campaigns()
    overdue = selectors.overdue_count()
    # By id: no need to load the user to find their member of staff.
    person = Person.objects.filter(user_id=access.membership.user_id).first()
    mine = None
    if person is not None:
        mine = list(
            TrainingAssignment.objects.filter(person=person, status=AssignmentStatus.ASSIGNED)
            .select_related("course")
            .order_by("due_on")[:5]
        )
    if not running and not overdue and not mine:
        return None
    return {
        "template": "people/_dashboard_panel.html",
        "context": {
            "can_see_all": bool(running or overdue),
            "overdue": overdue,
            "running": running,
            "mine": mine,
        },
    }
