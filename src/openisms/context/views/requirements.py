"""The requirements register (4.2 c): laws, regulations, contracts, standards, own rules."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from openisms.context import selectors
from openisms.context.forms import ObligationForm
from openisms.context.models import InterestedParty, Obligation, ObligationSource
from openisms.context.services import parties as svc
from openisms.context.views.common import confirm_delete, read_filters
from openisms.core.access import org_view
from openisms.core.forms import apply_errors
from openisms.core.views.pagination import paginate


@org_view("records.view")
def requirement_list(request: HttpRequest) -> HttpResponse:
    filters = read_filters(request, selectors.OBLIGATION_FILTERS)
    page = paginate(request, selectors.obligations(filters))
    party = None
    if filters["party"]:
        party = InterestedParty.objects.filter(pk__in=_uuid_or_none(filters["party"])).first()
    context = {
        "page": page,
        "filters": filters,
        "party": party,
        "none_yet": not page.object_list and not Obligation.objects.exists(),
        "can_change": request.org_access.can("context.change"),
        "can_export": request.org_access.can("records.export"),
    }
    if request.htmx:
        return render(request, "context/_requirement_rows.html", context)
    context["sources"] = ObligationSource.choices
    return render(request, "context/requirements.html", context)


def _uuid_or_none(value: str) -> list[str]:
    try:
        return [str(uuid.UUID(value))]
    except ValueError:
        return []


@org_view("records.view")
def requirement_detail(request: HttpRequest, requirement_id: str) -> HttpResponse:
    qs = selectors.with_links(Obligation.objects.select_related("owner"))
    requirement = get_object_or_404(qs, pk=requirement_id)
    access = request.org_access
    return render(
        request,
        "context/requirement_detail.html",
        {
            "req": requirement,
            "can_change": access.can("context.change"),
            "can_audit": access.can("audit_trail.view"),
        },
    )


def _save(request: HttpRequest, requirement: Obligation | None) -> HttpResponse:
    initial = None
    if requirement is None and request.method != "POST":
        # "Add a requirement" from a party's page comes with that party chosen.
        wanted = _uuid_or_none(request.GET.get("party", ""))
        initial = {"parties": list(InterestedParty.objects.filter(pk__in=wanted))}
    form = ObligationForm(request.POST or None, instance=requirement, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if requirement is None:
                saved = svc.create_obligation(form.service_data())
            else:
                saved = svc.update_obligation(requirement, form.service_data())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"{saved.ref} {saved.title} saved.")
            return redirect(
                "core:context:requirement_detail", request.org_access.organisation.slug, saved.pk
            )
    return render(request, "context/requirement_form.html", {"form": form, "req": requirement})


@org_view("context.change")
def requirement_create(request: HttpRequest) -> HttpResponse:
    return _save(request, None)


@org_view("context.change")
def requirement_edit(request: HttpRequest, requirement_id: str) -> HttpResponse:
    return _save(request, get_object_or_404(Obligation, pk=requirement_id))


@org_view("context.change")
def requirement_delete(request: HttpRequest, requirement_id: str) -> HttpResponse:
    requirement = get_object_or_404(Obligation, pk=requirement_id)
    slug = request.org_access.organisation.slug
    return confirm_delete(
        request, requirement, what="requirement", delete=svc.delete_obligation,
        done_url=reverse("core:context:requirements", args=[slug]),
        back_url=reverse("core:context:requirement_detail", args=[slug, requirement.pk]),
        consequence="The Statement of Applicability no longer cites it. If it simply no longer "
        "applies, you can mark it inactive instead.",
    )  # fmt: skip
