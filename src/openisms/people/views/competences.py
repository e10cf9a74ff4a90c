"""Competences (7.2 a): what the organisation's roles need; who holds each."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from openisms.core.access import org_view
from openisms.core.forms import apply_errors
from openisms.people.forms import CompetenceForm
from openisms.people.models import Competence
from openisms.people.services import staff as svc
from openisms.people.views.common import can


def _listing(request: HttpRequest, form: CompetenceForm | None) -> HttpResponse:
    rows = Competence.objects.annotate(
        n_holders=Count("holders", distinct=True),
        n_courses=Count("courses", distinct=True),
        n_roles=Count("required_by", distinct=True),
    ).order_by("name")
    access = can(request)
    if form is None and access["change"]:
        form = CompetenceForm()
    return render(request, "people/competences.html", {"rows": rows, "form": form, "can": access})


@org_view("records.view")
def competences(request: HttpRequest) -> HttpResponse:
    return _listing(request, None)


@org_view("people.change")
@require_POST
def competence_create(request: HttpRequest) -> HttpResponse:
    form = CompetenceForm(request.POST)
    if form.is_valid():
        try:
            competence = svc.create_competence(form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Competence “{competence.name}” added.")
            return redirect("core:people:competences", request.org_access.organisation.slug)
    return _listing(request, form)


@org_view("people.change")
def competence_edit(request: HttpRequest, competence_id: uuid.UUID) -> HttpResponse:
    competence = get_object_or_404(Competence, pk=competence_id)
    initial = {"name": competence.name, "description": competence.description}
    form = CompetenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            svc.update_competence(competence, form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Competence “{competence.name}” saved.")
            return redirect("core:people:competences", request.org_access.organisation.slug)
    return render(request, "people/competence_form.html", {"form": form, "competence": competence})


@org_view("people.change")
@require_POST
def competence_delete(request: HttpRequest, competence_id: uuid.UUID) -> HttpResponse:
    competence = get_object_or_404(Competence, pk=competence_id)
    name = competence.name
    try:
        svc.delete_competence(competence)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Competence “{name}” deleted.")
    return redirect("core:people:competences", request.org_access.organisation.slug)
