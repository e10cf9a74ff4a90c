"""The communication plan (7.4): what, when, with whom, who and how; marking items done."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from openisms.core.access import org_view
from openisms.core.forms import apply_errors
from openisms.core.views.deleted import confirm_delete
from openisms.people.forms import CommunicationForm, DoneForm
from openisms.people.models import CommunicationItem
from openisms.people.services import communication as svc
from openisms.people.views.common import can


@org_view("records.view")
def plan(request: HttpRequest) -> HttpResponse:
    # Undated (event-driven) items last, on SQLite and PostgreSQL alike.
    items = CommunicationItem.objects.select_related("responsible").order_by(
        F("next_due").asc(nulls_last=True), "topic"
    )
    return render(
        request,
        "people/communication.html",
        {
            "items": list(items),
            "today": timezone.localdate(),
            "can": can(request),
            "done_form": DoneForm(),
        },
    )


def _save(request: HttpRequest, item: CommunicationItem | None) -> HttpResponse:
    form = CommunicationForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        try:
            if item is None:
                saved = svc.create_item(form.cleaned_data)
            else:
                saved = svc.update_item(item, form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"“{saved.topic}” saved in the communication plan.")
            return redirect("core:people:communication", request.org_access.organisation.slug)
    return render(request, "people/communication_form.html", {"form": form, "item": item})


@org_view("people.change")
def item_create(request: HttpRequest) -> HttpResponse:
    return _save(request, None)


@org_view("people.change")
def item_edit(request: HttpRequest, item_id: uuid.UUID) -> HttpResponse:
    return _save(request, get_object_or_404(CommunicationItem, pk=item_id))


@org_view("people.change")
@require_POST
def item_done(request: HttpRequest, item_id: uuid.UUID) -> HttpResponse:
    item = get_object_or_404(CommunicationItem, pk=item_id)
    form = DoneForm(request.POST)
    if form.is_valid():
        try:
            svc.mark_done(item, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
    if form.errors:
        text = " ".join(str(e) for errors in form.errors.values() for e in errors)
        messages.error(request, f"“{item.topic}” not marked done: {text}")
    else:
        messages.success(request, f"“{item.topic}” marked done.")
    return redirect("core:people:communication", request.org_access.organisation.slug)


@org_view("people.change")
def item_delete(request: HttpRequest, item_id: uuid.UUID) -> HttpResponse:
    slug = request.org_access.organisation.slug
    item = get_object_or_404(CommunicationItem, pk=item_id)
    return confirm_delete(
        request, item, what="communication item", delete=svc.delete_item,
        done_url=reverse("core:people:communication", args=[slug]),
        back_url=reverse("core:people:communication", args=[slug]),
    )  # fmt: skip
