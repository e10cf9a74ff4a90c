"""The organisation's own controls: add, edit, delete (ISMS managers)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from openisms.controls.forms import OwnControlForm
from openisms.controls.models import Control
from openisms.controls.services import records as svc
from openisms.core.access import org_view
from openisms.core.forms import apply_errors
from openisms.core.views.deleted import confirm_delete


def _save(request: HttpRequest, control: Control | None) -> HttpResponse:
    form = OwnControlForm(request.POST or None, control=control)
    if request.method == "POST" and form.is_valid():
        role = request.org_access.role
        try:
            if control is None:
                saved = svc.create_own_control(form.service_data(), user=request.user, role=role)
            else:
                saved = svc.update_own_control(
                    control, form.service_data(), user=request.user, role=role
                )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"{saved.ref} {saved.title} saved.")
            return redirect(
                "core:controls:control_detail", request.org_access.organisation.slug, saved.pk
            )
    return render(request, "controls/records_own_form.html", {"form": form, "control": control})


def _own(control_id: str) -> Control:
    control = get_object_or_404(Control, pk=control_id)
    if not control.is_own:
        raise Http404("Annex A controls are not edited here.")
    return control


@org_view("controls.change")
def own_create(request: HttpRequest) -> HttpResponse:
    return _save(request, None)


@org_view("controls.change")
def own_edit(request: HttpRequest, control_id: str) -> HttpResponse:
    return _save(request, _own(control_id))


@org_view("controls.change")
def own_delete(request: HttpRequest, control_id: str) -> HttpResponse:
    slug = request.org_access.organisation.slug
    control = _own(control_id)
    role = request.org_access.role
    return confirm_delete(
        request, control, what="own control",
        delete=lambda c: svc.delete_own_control(c, role=role),
        done_url=reverse("core:controls:control_list", args=[slug]),
        back_url=reverse("core:controls:control_detail", args=[slug, control.pk]),
    )  # fmt: skip
