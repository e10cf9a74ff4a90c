"""Threat and vulnerability libraries: browse with filters, add the organisation's own."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from openisms.core.access import org_view
from openisms.core.forms import apply_errors
from openisms.risk.forms_assets import LibraryEntryForm
from openisms.risk.models import Threat, Vulnerability
from openisms.risk.services.library import KINDS, create_entry

NOUNS = {"threats": ("threat", "Threats"), "vulnerabilities": ("vulnerability", "Vulnerabilities")}


@org_view("records.view")
def library(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "threats")
    if kind not in KINDS:
        kind = "threats"
    model = KINDS[kind]
    category = request.GET.get("category", "").strip()[:60]
    q = request.GET.get("q", "").strip()[:100]
    entries = model.objects.prefetch_related("controls").annotate(n_risks=Count("risks"))
    if category:
        entries = entries.filter(category=category)
    if q:
        entries = entries.filter(
            Q(name__icontains=q) | Q(code__iexact=q) | Q(description__icontains=q)
        )
    categories = list(
        model.objects.order_by("category").values_list("category", flat=True).distinct()
    )
    return render(
        request,
        "risk/library.html",
        {
            "kind": kind,
            "noun": NOUNS[kind][0],
            "entries": list(entries.order_by("code")),
            "categories": categories,
            "filters": {"category": category, "q": q},
            "counts": {
                "threats": Threat.objects.count(),
                "vulnerabilities": Vulnerability.objects.count(),
            },  # fmt: skip
            "can_add": request.org_access.can("records.create"),
        },
    )


@org_view("records.create")
def library_add(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in KINDS:
        raise Http404("The libraries are “threats” and “vulnerabilities”.")
    model = KINDS[kind]
    form = LibraryEntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            entry = create_entry(kind, form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"{entry.code} {entry.name} added to the {kind} library.")
            slug = request.org_access.organisation.slug
            return redirect(f"{reverse('core:risk:library', args=[slug])}?kind={kind}")
    categories = model.objects.order_by("category").values_list("category", flat=True).distinct()
    return render(
        request,
        "risk/library_form.html",
        {"form": form, "kind": kind, "noun": NOUNS[kind][0], "categories": list(categories)},
    )
