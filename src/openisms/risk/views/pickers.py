"""Search answers of the asset and risk pickers (long lists are searched on the server)."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse

from openisms.core.access import org_view
from openisms.core.pickers import pick_response
from openisms.risk.models import Asset, Risk


@org_view("records.view")
def pick_assets(request: HttpRequest) -> JsonResponse:
    queryset = Asset.objects.only("id", "ref", "name").order_by("ref")
    return pick_response(request, queryset, ("ref", "name"), lambda a: f"{a.ref} {a.name}")


@org_view("records.view")
def pick_risks(request: HttpRequest) -> JsonResponse:
    queryset = Risk.objects.only("id", "ref", "title").order_by("ref")
    return pick_response(request, queryset, ("ref", "title"), lambda r: f"{r.ref} {r.title}")
