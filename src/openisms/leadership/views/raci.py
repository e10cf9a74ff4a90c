"""The RACI matrix over the ISMS processes (5.3), its cells, processes and exports."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from openisms.core import register_exports
from openisms.core.access import org_view
from openisms.core.forms import apply_errors
from openisms.core.views.deleted import confirm_delete
from openisms.leadership import selectors
from openisms.leadership.forms import ProcessForm
from openisms.leadership.models import IsmsProcess, IsmsRole, Raci, RaciAssignment
from openisms.leadership.services import roles as svc

LETTERS = [("", "–"), *[(v, v) for v in Raci.values]]


def _context(request: HttpRequest) -> dict[str, Any]:
    access = request.org_access
    return {
        **selectors.raci_matrix(),
        "legend": Raci.choices,
        "letters": LETTERS,
        "can_change": access.can("leadership.change"),
        "can_export": access.can("records.export"),
    }


@org_view("records.view")
def raci(request: HttpRequest) -> HttpResponse:
    return render(request, "leadership/raci.html", _context(request))


@org_view("leadership.change")
@require_POST
def raci_cell(request: HttpRequest, process_id: str, role_id: str) -> HttpResponse:
    """Set one cell; htmx gets the cell back and the warnings out of band."""
    process = get_object_or_404(IsmsProcess, pk=process_id)
    role = get_object_or_404(IsmsRole, pk=role_id)
    error = ""
    try:
        svc.set_cell(process, role, request.POST.get("letter", ""))
    except ValidationError as exc:
        error = " ".join(exc.messages)
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect("core:leadership:raci", request.org_access.organisation.slug)
    letter = (
        RaciAssignment.objects.filter(process=process, role=role)
        .values_list("letter", flat=True)
        .first()
    ) or ""
    matrix = selectors.raci_matrix()
    return render(
        request,
        "leadership/_raci_cell_update.html",
        {
            "process": process,
            "role": role,
            "letter": letter,
            "error": error,
            "letters": LETTERS,
            "warnings": matrix["warnings"],
            "processes": matrix["processes"],
            "roles": matrix["roles"],
        },
    )


@org_view("records.export")
def raci_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The matrix with its header block (organisation, revision, last change, generated at)."""
    return register_exports.response("raci", fmt)


def _save_process(request: HttpRequest, process: IsmsProcess | None) -> HttpResponse:
    form = ProcessForm(request.POST or None, instance=process)
    if request.method == "POST" and form.is_valid():
        try:
            if process is None:
                saved = svc.create_process(form.service_data())
            else:
                saved = svc.update_process(process, form.service_data())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Process “{saved.name}” saved.")
            return redirect("core:leadership:raci", request.org_access.organisation.slug)
    return render(request, "leadership/process_form.html", {"form": form, "process": process})


@org_view("leadership.change")
def process_create(request: HttpRequest) -> HttpResponse:
    return _save_process(request, None)


@org_view("leadership.change")
def process_edit(request: HttpRequest, process_id: str) -> HttpResponse:
    return _save_process(request, get_object_or_404(IsmsProcess, pk=process_id))


@org_view("leadership.change")
def process_delete(request: HttpRequest, process_id: str) -> HttpResponse:
    slug = request.org_access.organisation.slug
    process = get_object_or_404(IsmsProcess, pk=process_id)
    return confirm_delete(
        request, process, what="ISMS process", delete=svc.delete_process,
        done_url=reverse("core:leadership:raci", args=[slug]),
        back_url=reverse("core:leadership:raci", args=[slug]),
        consequence="Its row of the RACI matrix is hidden with it.",
    )  # fmt: skip
