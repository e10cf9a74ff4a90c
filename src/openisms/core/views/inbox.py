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
    return render(
        request,
        "core/inbox.html",
        {"groups": groups, "total": inbox.total(groups), "limit": inbox.LIMIT},
    )
