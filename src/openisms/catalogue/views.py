"""Catalogue browser: frameworks, filterable requirement lists, requirement detail."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from openisms.catalogue import selectors
from openisms.catalogue.loader import ATTRIBUTE_COLUMNS
from openisms.catalogue.models import Framework, Requirement
from openisms.core.access import org_view


@org_view("catalogue.view")
def frameworks(request: HttpRequest) -> HttpResponse:
    rows = []
    for fw in selectors.frameworks():
        counts = {"clause": 0, "control": 0}
        for kind in fw.requirements.values_list("kind", flat=True):
            counts[kind] += 1
        rows.append((fw, counts))
    return render(request, "catalogue/frameworks.html", {"rows": rows})


def _filters(request: HttpRequest) -> dict[str, str]:
    keys = ("kind", "theme", "q", *ATTRIBUTE_COLUMNS)
    return {k: request.GET.get(k, "").strip()[:100] for k in keys}


@org_view("catalogue.view")
def requirements(request: HttpRequest, framework: str) -> HttpResponse:
    fw = get_object_or_404(Framework, slug=framework)
    filters = _filters(request)
    attrs = {k: filters[k] for k in ATTRIBUTE_COLUMNS}
    rows = list(
        selectors.requirements(
            fw, kind=filters["kind"], theme=filters["theme"], q=filters["q"], attributes=attrs
        )
    )
    context = {
        "framework": fw,
        "rows": rows,
        "filters": filters,
        "facets": [
            (name, selectors.ATTRIBUTE_LABELS[name], values)
            for name, values in selectors.attribute_facets(fw).items()
        ],
        "active_filters": any(filters.values()),
    }
    template = "catalogue/_requirement_rows.html" if request.htmx else "catalogue/requirements.html"
    return render(request, template, context)


@org_view("catalogue.view")
def requirement(request: HttpRequest, framework: str, ref: str) -> HttpResponse:
    fw = get_object_or_404(Framework, slug=framework)
    try:
        req = selectors.requirement_with_mappings(fw, ref)
    except Requirement.DoesNotExist:
        raise Http404(f"{ref} is not part of {fw.name}.")
    siblings = list(
        fw.requirements.filter(kind=req.kind).values_list("ref", flat=True).order_by("order")
    )
    i = siblings.index(req.ref)
    context = {
        "framework": fw,
        "req": req,
        "attribute_rows": [
            (selectors.ATTRIBUTE_LABELS.get(k, k), k, v) for k, v in req.attributes.items()
        ],
        "previous": siblings[i - 1] if i > 0 else None,
        "next": siblings[i + 1] if i + 1 < len(siblings) else None,
    }
    return render(request, "catalogue/requirement.html", context)
