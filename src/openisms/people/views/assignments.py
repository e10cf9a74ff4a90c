"""One assignment and its results (completion, effectiveness, excuse, retake), the overdue
list and "My training".

The result forms sit in table rows (campaign, overdue list): with htmx the row is swapped in
place and an ``HX-Trigger: training-changed`` event lets the progress bar refresh itself;
without JavaScript the form posts and comes back to the page it was sent from (``next``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST

from openisms.core import inplace
from openisms.core.access import org_view
from openisms.core.forms import apply_errors
from openisms.core.views.pagination import paginate
from openisms.people import selectors
from openisms.people.forms import CompletionForm, NoteForm, ResetForm
from openisms.people.models import Course, TrainingAssignment
from openisms.people.services import training as svc
from openisms.people.views.common import back, can, filters_from

COLUMNS = ("campaign", "overdue", "person")


def _assignment(assignment_id: uuid.UUID) -> TrainingAssignment:
    return get_object_or_404(
        TrainingAssignment.objects.select_related(
            "person", "person__user", "course", "campaign", "confirmed_by"
        ),
        pk=assignment_id,
    )


def _row(
    request: HttpRequest, a: TrainingAssignment, form: Any = None, error: str = "", saved: str = ""
) -> HttpResponse:
    cols = request.POST.get("cols", "")
    response = render(
        request,
        "people/_assignment_row.html",
        {
            "a": a,
            "cols": cols if cols in COLUMNS else "campaign",
            "can": can(request),
            "completion_form": form or CompletionForm(),
            "row_error": error,
            "next": request.POST.get("next", ""),
            # The result of "Record"/"Confirm" shows in the row the person acted in.
            "inplace": inplace.InPlace(saved) if saved else None,
        },
    )
    if not error:
        response["HX-Trigger"] = "training-changed"
    return response


def _detail(request: HttpRequest, a: TrainingAssignment, **forms: Any) -> HttpResponse:
    return render(
        request,
        "people/assignment_detail.html",
        {
            "a": a,
            "can": can(request),
            "completion_form": forms.get("completion_form") or CompletionForm(),
            "note_form": forms.get("note_form") or NoteForm(),
            "reset_form": forms.get("reset_form") or ResetForm(),
            "can_audit": request.org_access.can("audit_trail.view"),
        },
    )


@org_view("records.view")
def assignment_detail(request: HttpRequest, assignment_id: uuid.UUID) -> HttpResponse:
    return _detail(request, _assignment(assignment_id))


def _act(
    request: HttpRequest,
    assignment_id: uuid.UUID,
    form_class: type,
    form_key: str,
    action: Callable[[TrainingAssignment, dict[str, Any]], Any],
    done: str,
) -> HttpResponse:
    """Validate the form, run the service, answer with the row (htmx) or a redirect."""
    a = _assignment(assignment_id)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            action(a, form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
    if form.errors:
        message = " ".join(str(e) for errors in form.errors.values() for e in errors)
        a.refresh_from_db()
        if request.htmx:
            return _row(request, a, form if form_key == "completion_form" else None, message)
        if request.POST.get("next"):
            messages.error(request, f"{a.person.full_name}: {message}")
            return back(request, "core:people:assignment_detail", a.pk)
        return _detail(request, a, **{form_key: form})
    a = _assignment(assignment_id)
    message = f"{a.person.full_name}, {a.course.title}: {done(a)}."
    if request.htmx:
        return _row(request, a, saved=message)
    messages.success(request, message)
    return back(request, "core:people:assignment_detail", a.pk)


def _result(a: TrainingAssignment) -> str:
    if a.score is not None:
        return f"{a.get_status_display().lower()} with {a.score} %"
    return a.get_status_display().lower()


@org_view("training.record")
@require_POST
def record(request: HttpRequest, assignment_id: uuid.UUID) -> HttpResponse:
    return _act(
        request, assignment_id, CompletionForm, "completion_form",
        lambda a, d: svc.record_completion(
            a, completed_on=d["completed_on"], score=d["score"], notes=d["notes"]
        ),
        _result,
    )  # fmt: skip


@org_view("training.confirm")
@require_POST
def confirm(request: HttpRequest, assignment_id: uuid.UUID) -> HttpResponse:
    return _act(
        request, assignment_id, NoteForm, "note_form",
        lambda a, d: svc.confirm_effectiveness(a, user=request.user, notes=d["note"]),
        lambda a: "effectiveness confirmed",
    )  # fmt: skip


@org_view("training.record")
@require_POST
def excuse(request: HttpRequest, assignment_id: uuid.UUID) -> HttpResponse:
    return _act(
        request, assignment_id, NoteForm, "note_form",
        lambda a, d: svc.excuse(a, note=d["note"]),
        lambda a: "excused",
    )  # fmt: skip


@org_view("training.record")
@require_POST
def reset(request: HttpRequest, assignment_id: uuid.UUID) -> HttpResponse:
    return _act(
        request, assignment_id, ResetForm, "reset_form",
        lambda a, d: svc.reset(a, due_on=d["due_on"]),
        lambda a: "open again for a retake",
    )  # fmt: skip


@org_view("people.change")
@require_POST
def assignment_delete(request: HttpRequest, assignment_id: uuid.UUID) -> HttpResponse:
    a = _assignment(assignment_id)
    person = a.person
    try:
        svc.delete_assignment(a)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return back(request, "core:people:assignment_detail", a.pk)
    messages.success(request, f"{a.course.title} withdrawn from {person.full_name}.")
    return back(request, "core:people:person_detail", person.pk)


@org_view("records.view")
def overdue(request: HttpRequest) -> HttpResponse:
    filters = filters_from(request, selectors.OVERDUE_FILTERS)
    page = paginate(request, selectors.overdue(filters))
    context: dict[str, Any] = {
        "page": page,
        "filters": filters,
        "can": can(request),
        "completion_form": CompletionForm(),
        "cols": "overdue",
    }
    if (
        request.htmx
        and request.method == "GET"
        and request.headers.get("HX-Target") == "overdue-rows"
    ):
        return render(request, "people/_overdue_rows.html", context)
    context.update(
        {
            "departments": selectors.departments(),
            "courses": Course.objects.order_by("title").only("pk", "title"),
        }
    )
    return render(request, "people/overdue.html", context)


@org_view("records.view")
def mine(request: HttpRequest) -> HttpResponse:
    context = selectors.my_training(request.user)
    person = context["person"]
    context["acknowledgements"] = selectors.awareness_evidence(person) if person is not None else []
    return render(request, "people/mine.html", context)
