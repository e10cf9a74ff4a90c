"""Risk overview (6.1.2, 8.2): both heat maps, counts per level, overdue treatment actions."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from openisms.core.access import org_view
from openisms.risk import charts, selectors

MAPS = ("inherent", "residual")


def _register_url(request: HttpRequest) -> str:
    return reverse("core:risk:register", args=[request.org_access.organisation.slug])


@org_view("records.view")
def overview(request: HttpRequest) -> HttpResponse:
    register_url = _register_url(request)
    maps = []
    method = None
    for which in MAPS:
        heat = selectors.heat_map(which)
        method = heat["method"]
        counts = selectors.level_counts(which)
        maps.append(
            {
                "which": which,
                "heat": heat,
                "svg": charts.heatmap_svg(heat, register_url),
                "param": "level" if which == "inherent" else "residual_level",
                "levels": [
                    {
                        "level": lv,
                        "count": counts.get(lv.key, 0),
                        "swatch": charts.swatch_svg(lv.colour),
                    }
                    for lv in method.ordered_levels()
                ],
            }
        )
    context = {
        "maps": maps,
        "method": method,
        "overdue": selectors.overdue_count(),
        "threshold": method.level(method.acceptance_threshold) if method else None,
    }
    return render(request, "risk/overview.html", context)


@org_view("records.view")
def heatmap_svg(request: HttpRequest, which: str) -> HttpResponse:
    if which not in MAPS:
        raise Http404("Unknown heat map.")
    svg = charts.heatmap_svg(selectors.heat_map(which), _register_url(request))
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{which}-heat-map.svg"'
    return response
