"""The communication plan (7.4): marking items done. The plan's list, forms and delete come
from the record kit (``people.records``)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from openisms.core.access import org_view
from openisms.core.forms import apply_errors
from openisms.people.forms import DoneForm
from openisms.people.models import CommunicationItem
from openisms.people.services import communication as svc


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
