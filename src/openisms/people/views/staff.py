"""The staff register (7.2): list, one person with their roles, competences, training and
awareness evidence, create/edit/delete, competences held, individual training."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from openisms.core.access import org_view
from openisms.core.forms import apply_errors
from openisms.core.views.deleted import confirm_delete
from openisms.core.views.pagination import paginate
from openisms.people import selectors
from openisms.people.forms import AssignForm, HoldingForm, PersonForm
from openisms.people.models import Competence, Person, PersonCompetence
from openisms.people.services import staff as svc
from openisms.people.services import training as training_svc
from openisms.people.views.common import can, filters_from

REPORTS_SHOWN = 25


@org_view("records.view")
def staff(request: HttpRequest) -> HttpResponse:
    filters = filters_from(request, selectors.STAFF_FILTERS)
    page = paginate(request, selectors.staff_register(filters))
    context: dict[str, Any] = {
        "page": page,
        "filters": filters,
        "can": can(request),
        # Worth a query only when the filtered list is empty: is the register itself empty?
        "register_empty": not page.object_list and not Person.objects.exists(),
    }
    if request.htmx:
        return render(request, "people/_staff_rows.html", context)
    context["departments"] = selectors.departments()
    return render(request, "people/staff.html", context)


def _save(request: HttpRequest, person: Person | None) -> HttpResponse:
    form = PersonForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        try:
            if person is None:
                saved = svc.create_person(form.cleaned_data)
            else:
                saved = svc.update_person(person, form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            verb = "added to the register" if person is None else "saved"
            messages.success(request, f"{saved.full_name} {verb}.")
            return redirect(
                "core:people:person_detail", request.org_access.organisation.slug, saved.pk
            )
    return render(
        request,
        "people/person_form.html",
        {"form": form, "person": person, "departments": selectors.departments()},
    )


@org_view("people.change")
def person_create(request: HttpRequest) -> HttpResponse:
    return _save(request, None)


@org_view("people.change")
def person_edit(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    return _save(request, get_object_or_404(Person, pk=person_id))


def role_gaps(roles: list[Any], held: dict[Any, Any]) -> list[dict[str, Any]]:
    """Each ISMS role the person holds with the required competences they lack."""
    return [
        {
            "role": role,
            "required": list(role.required_competences.all()),
            "missing": [c for c in role.required_competences.all() if c.pk not in held],
        }
        for role in roles
    ]


def person_context(request: HttpRequest, person: Person, **forms: Any) -> dict[str, Any]:
    held = selectors.held_competences([person])[person.pk]
    names = dict(Competence.objects.filter(pk__in=list(held)).values_list("pk", "name"))
    roles = list(
        person.isms_roles.prefetch_related(
            Prefetch("required_competences", queryset=Competence.objects.order_by("name"))
        )
    )
    access = can(request)
    reports = person.reports.filter(is_active=True).order_by("full_name")
    return {
        "person": person,
        "roles": role_gaps(roles, held),
        "holdings": list(person.competences.select_related("competence")),
        "held": sorted(((names[pk], src) for pk, src in held.items()), key=lambda x: x[0]),
        "training": list(selectors.training_of(person)),
        "acknowledgements": selectors.awareness_evidence(person),
        # A head of a large department may have hundreds: name the first few, count the rest.
        "reports": list(reports[:REPORTS_SHOWN]),
        "reports_count": reports.count(),
        "can": access,
        "holding_form": forms.get("holding_form") or (HoldingForm() if access["change"] else None),
        "assign_form": forms.get("assign_form") or (AssignForm() if access["change"] else None),
        "can_audit": request.org_access.can("audit_trail.view"),
    }


@org_view("records.view")
def person_detail(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    person = get_object_or_404(Person.objects.select_related("manager", "user"), pk=person_id)
    return render(request, "people/person_detail.html", person_context(request, person))


@org_view("people.change")
def person_delete(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    slug = request.org_access.organisation.slug
    person = get_object_or_404(Person, pk=person_id)
    return confirm_delete(
        request, person, what="person", delete=svc.delete_person,
        done_url=reverse("core:people:staff", args=[slug]),
        back_url=reverse("core:people:person_detail", args=[slug, person.pk]),
    )  # fmt: skip


@org_view("people.change")
@require_POST
def holding_add(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    person = get_object_or_404(Person.objects.select_related("manager", "user"), pk=person_id)
    form = HoldingForm(request.POST)
    if form.is_valid():
        try:
            record = svc.record_competence(person, form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"{record.competence.name} recorded for {person}.")
            return redirect(
                "core:people:person_detail", request.org_access.organisation.slug, person.pk
            )
    context = person_context(request, person, holding_form=form)
    return render(request, "people/person_detail.html", context)


@org_view("people.change")
@require_POST
def holding_remove(
    request: HttpRequest, person_id: uuid.UUID, competence_id: uuid.UUID
) -> HttpResponse:
    record = get_object_or_404(
        PersonCompetence.objects.select_related("competence"),
        person_id=person_id,
        competence_id=competence_id,
    )
    svc.remove_holding(record)
    messages.success(request, f"{record.competence.name} removed.")
    return redirect("core:people:person_detail", request.org_access.organisation.slug, person_id)


@org_view("people.change")
@require_POST
def assign_course(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    person = get_object_or_404(Person.objects.select_related("manager", "user"), pk=person_id)
    form = AssignForm(request.POST)
    if form.is_valid():
        try:
            a = training_svc.assign(person, form.cleaned_data["course"], **_due(form))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"{a.course.title} assigned to {person}.")
            return redirect(
                "core:people:person_detail", request.org_access.organisation.slug, person.pk
            )
    context = person_context(request, person, assign_form=form)
    return render(request, "people/person_detail.html", context)


def _due(form: AssignForm) -> dict[str, Any]:
    return {"due_on": form.cleaned_data.get("due_on")}
