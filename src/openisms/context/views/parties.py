"""Interested parties (4.2): who they are, what they expect, which requirements are theirs."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from openisms.context import selectors
from openisms.context.forms import PartyForm
from openisms.context.models import InterestedParty, PartyKind
from openisms.context.services import parties as svc
from openisms.context.views.common import confirm_delete, read_filters
from openisms.core.access import org_view
from openisms.core.forms import apply_errors
from openisms.core.views.pagination import paginate


@org_view("records.view")
def party_list(request: HttpRequest) -> HttpResponse:
    filters = read_filters(request, selectors.PARTY_FILTERS)
    page = paginate(request, selectors.parties(filters))
    context = {
        "page": page,
        "filters": filters,
        "none_yet": not page.object_list and not InterestedParty.objects.exists(),
        "can_change": request.org_access.can("context.change"),
        "can_export": request.org_access.can("records.export"),
    }
    if request.htmx:
        return render(request, "context/_party_rows.html", context)
    context["kinds"] = PartyKind.choices
    return render(request, "context/parties.html", context)


@org_view("records.view")
def party_detail(request: HttpRequest, party_id: str) -> HttpResponse:
    party = get_object_or_404(InterestedParty, pk=party_id)
    access = request.org_access
    requirements = selectors.with_links(party.obligations.select_related("owner")).order_by("ref")
    return render(
        request,
        "context/party_detail.html",
        {
            "party": party,
            "requirements": requirements,
            "can_change": access.can("context.change"),
            "can_audit": access.can("audit_trail.view"),
        },
    )


def _save(request: HttpRequest, party: InterestedParty | None) -> HttpResponse:
    form = PartyForm(request.POST or None, instance=party)
    if request.method == "POST" and form.is_valid():
        try:
            if party is None:
                saved = svc.create_party(form.service_data())
            else:
                saved = svc.update_party(party, form.service_data())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"{saved.name} saved.")
            return redirect(
                "core:context:party_detail", request.org_access.organisation.slug, saved.pk
            )
    return render(request, "context/party_form.html", {"form": form, "party": party})


@org_view("context.change")
def party_create(request: HttpRequest) -> HttpResponse:
    return _save(request, None)


@org_view("context.change")
def party_edit(request: HttpRequest, party_id: str) -> HttpResponse:
    return _save(request, get_object_or_404(InterestedParty, pk=party_id))


@org_view("context.change")
def party_delete(request: HttpRequest, party_id: str) -> HttpResponse:
    party = get_object_or_404(InterestedParty, pk=party_id)
    slug = request.org_access.organisation.slug
    return confirm_delete(
        request, party, what="interested party", delete=svc.delete_party,
        done_url=reverse("core:context:parties", args=[slug]),
        back_url=reverse("core:context:party_detail", args=[slug, party.pk]),
        consequence="Its requirements stay in the requirements register; only their link to "
        "this party goes.",
    )  # fmt: skip
