"""The JSON search behind the searchable pickers of long lists (assets, risks).

Tom Select asks ``?q=text&page=n`` as the user types; the answer is one page of options. The
view calling it is an ``org_view``: organisation scoping and the permission check happen there.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest, JsonResponse

PAGE_SIZE = 30
MAX_QUERY = 100


def pick_response(
    request: HttpRequest,
    queryset: QuerySet,
    search_fields: Sequence[str],
    label: Callable[[Any], str],
) -> JsonResponse:
    """One page of ``{"results": [{"value", "text"}], "more"}`` for the typed text."""
    text = request.GET.get("q", "").replace("\x00", "").strip()[:MAX_QUERY]
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    if text:
        match = Q()
        for name in search_fields:
            match |= Q(**{f"{name}__icontains": text})
        queryset = queryset.filter(match)
    start = (page - 1) * PAGE_SIZE
    # One row more than a page tells whether a next page exists.
    rows = list(queryset[start : start + PAGE_SIZE + 1])
    results = [{"value": str(obj.pk), "text": label(obj)} for obj in rows[:PAGE_SIZE]]
    response = JsonResponse({"results": results, "more": len(rows) > PAGE_SIZE})
    response["Cache-Control"] = "private, no-store"
    return response
