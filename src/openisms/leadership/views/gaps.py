"""Competence gaps (7.2): what each role requires against what its holders have."""

from __future__ import annotations

import uuid

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from openisms.core.access import org_view
from openisms.leadership import selectors
from openisms.leadership.models import IsmsRole

# Without a role filter each role lists this many holders (gaps first); a role's own view
# lists them all.
ROWS_PER_ROLE = 25


@org_view("records.view")
def gaps(request: HttpRequest) -> HttpResponse:
    role_id = request.GET.get("role", "").strip()
    try:
        role_id = str(uuid.UUID(role_id)) if role_id else ""
    except ValueError:
        role_id = ""
    only_gaps = request.GET.get("only_gaps") == "1"
    result = selectors.competence_gaps(role_id or None)
    sections = []
    for item in result:
        rows = sorted(item.rows, key=lambda r: (r.missing == 0,))  # stable: names stay sorted
        if only_gaps:
            rows = [r for r in rows if r.missing]
        shown = rows if role_id else rows[:ROWS_PER_ROLE]
        sections.append({"gaps": item, "rows": shown, "hidden": len(rows) - len(shown)})
    return render(
        request,
        "leadership/gaps.html",
        {
            "sections": sections,
            "role_id": role_id,
            "only_gaps": only_gaps,
            "all_roles": IsmsRole.objects.order_by("order", "name").only("pk", "name"),
            "total_gaps": sum(s["gaps"].gaps for s in sections),
            "people_with_gaps": len(
                {r.person.pk for item in result for r in item.rows if r.missing}
            ),
        },
    )
