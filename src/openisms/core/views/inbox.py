"""The “Waiting for me” page: what the person must sign, confirm, acknowledge, review, answer or
do in this organisation, grouped by kind, soonest due first."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from openisms.core import inbox
from openisms.core.access import org_view


@org_view("org.view")
def inbox_page(request: HttpRequest) -> HttpResponse:
    groups = inbox.items_for(request)
    total = inbox.total(groups)
    return render(
        request,
        "core/inbox.html",
        {"groups": groups, "total": total, "inbox_total": total, "limit": inbox.LIMIT},
    )


@org_view("org.view")
def inbox_count(request: HttpRequest) -> HttpResponse:
    """The top bar's count, fetched by htmx once the page is shown: pages pay no query for it,
    and this request reads it from the cache while the organisation did not change."""
    response = render(request, "core/_inbox_count.html", {"count": inbox.count_for(request)})
    response["Cache-Control"] = "no-store"
    return response
