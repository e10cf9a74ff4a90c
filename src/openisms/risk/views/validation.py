"""The risk validation panel: what an auditor would reject in the register and the plan."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from openisms.core.access import org_view
from openisms.risk import validation


@org_view("records.view")
def validation_panel(request: HttpRequest) -> HttpResponse:
    items = validation.for_role(validation.findings(), request.org_access)
    return render(
        request,
        "risk/validation.html",
        {
            "groups": validation.grouped(items),
            "total": len(items),
            "blocking": sum(1 for f in items if f.blocking),
        },
    )
