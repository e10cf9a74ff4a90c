"""Management commitment (5.1): top management's decisions, resources and communications."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from openisms.core.access import org_view
from openisms.core.forms import apply_errors
from openisms.core.views.deleted import confirm_delete
from openisms.core.views.pagination import paginate
from openisms.leadership import selectors
from openisms.leadership.forms import CommitmentForm
from openisms.leadership.models import Commitment, CommitmentKind
from openisms.leadership.services import commitments as svc

FILTERS = ("kind", "year", "q")


@org_view("records.view")
def commitments(request: HttpRequest) -> HttpResponse:
    filters = {k: request.GET.get(k, "").strip()[:100] for k in FILTERS}
    qs = selectors.commitments(filters)
    page = paginate(request, qs)
    return render(
        request,
        "leadership/commitments.html",
        {
            "page": page,
            "filters": filters,
            "active_filters": any(filters.values()),
            "totals": selectors.commitment_totals(qs),
            "kinds": CommitmentKind.choices,
            "years": selectors.commitment_years(),
            "record_empty": not page.object_list and not Commitment.objects.exists(),
            "can_change": request.org_access.can("leadership.change"),
        },
    )


def _save(request: HttpRequest, item: Commitment | None) -> HttpResponse:
    extra = {"initial": {"date": timezone.localdate()}} if item is None else {}
    form = CommitmentForm(request.POST or None, instance=item, **extra)
    if request.method == "POST" and form.is_valid():
        try:
            if item is None:
                saved = svc.create_commitment(form.cleaned_data, user=request.user)
            else:
                saved = svc.update_commitment(item, form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"“{saved.title}” recorded.")
            return redirect("core:leadership:commitments", request.org_access.organisation.slug)
    return render(request, "leadership/commitment_form.html", {"form": form, "item": item})


@org_view("leadership.change")
def commitment_create(request: HttpRequest) -> HttpResponse:
    return _save(request, None)


@org_view("leadership.change")
def commitment_edit(request: HttpRequest, commitment_id: str) -> HttpResponse:
    return _save(request, get_object_or_404(Commitment, pk=commitment_id))


@org_view("leadership.change")
def commitment_delete(request: HttpRequest, commitment_id: str) -> HttpResponse:
    slug = request.org_access.organisation.slug
    item = get_object_or_404(Commitment, pk=commitment_id)
    return confirm_delete(
        request, item, what="commitment", delete=svc.delete_commitment,
        done_url=reverse("core:leadership:commitments", args=[slug]),
        back_url=reverse("core:leadership:commitments", args=[slug]),
    )  # fmt: skip
