"""Evidence request pages: the lists (open, overdue, mine), asking, fulfilling, cancelling."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from openisms.controls.forms_evidence import FulfilForm, RequestForm
from openisms.controls.models import Evidence, EvidenceRequest
from openisms.controls.services import requests as svc
from openisms.controls.services.setup import ensure_controls
from openisms.core.access import org_view
from openisms.core.dates import human_day
from openisms.core.forms import apply_errors
from openisms.core.views.pagination import paginate
from openisms.people.identity import display_name, person_for

SHOWS = {"open": "Open", "overdue": "Overdue", "mine": "Asked of me", "closed": "Closed"}


def _list(request: HttpRequest, show: str) -> HttpResponse:
    if show not in SHOWS:
        show = "open"
    page = paginate(request, svc.request_list(show, request.user))
    access = request.org_access
    return render(
        request,
        "controls/evidence_requests.html",
        {
            "page": page,
            "show": show,
            "shows": SHOWS,
            "can_request": access.can("evidence.request"),
            "can_upload": access.can("evidence.upload"),
            "my_person_id": getattr(person_for(request.user), "pk", None),
        },
    )


@org_view("records.view")
def request_list(request: HttpRequest) -> HttpResponse:
    return _list(request, request.GET.get("show", "open"))


@org_view("records.view")
def my_requests(request: HttpRequest) -> HttpResponse:
    return _list(request, "mine")


@org_view("evidence.request")
def request_new(request: HttpRequest) -> HttpResponse:
    ensure_controls()
    initial = {}
    if request.GET.get("control"):
        initial["control"] = request.GET["control"][:40]
    form = RequestForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            req = svc.create_request(form.cleaned_data, user=request.user)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                f"{display_name(req.requested_from)} was asked for evidence of {req.control.ref} "
                f"by {human_day(req.due_on)}.",
            )
            back = request.POST.get("next", "")
            if back.startswith("/o/") and "//" not in back:
                return redirect(back)
            return redirect("core:controls:evidence_requests", request.org_access.organisation.slug)
    return render(request, "controls/evidence_request_form.html", {"form": form})


@org_view("evidence.upload")
def request_fulfil(request: HttpRequest, request_id: str) -> HttpResponse:
    """Fulfil with evidence already uploaded (by reference); new evidence is uploaded through
    the evidence form with ``?request=<id>``."""
    req = get_object_or_404(EvidenceRequest.objects.select_related("control"), pk=request_id)
    access = request.org_access
    if not svc.may_fulfil(req, request.user, is_manager=access.can("evidence.request")):
        raise PermissionDenied("Only the person asked or an ISMS manager can fulfil this request.")
    form = FulfilForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ev = Evidence.objects.filter(ref__iexact=form.cleaned_data["evidence"].strip()).first()
        if ev is None:
            form.add_error("evidence", "No evidence with this reference in this organisation.")
        else:
            try:
                svc.fulfil_request(
                    req, ev, user=request.user, is_manager=access.can("evidence.request")
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"Request for {req.control.ref} fulfilled with {ev.ref}.")
                return redirect("core:controls:evidence_requests", access.organisation.slug)
    return render(request, "controls/evidence_request_fulfil.html", {"form": form, "req": req})


@org_view("evidence.request")
@require_POST
def request_cancel(request: HttpRequest, request_id: str) -> HttpResponse:
    req = get_object_or_404(EvidenceRequest.objects.select_related("control"), pk=request_id)
    try:
        svc.cancel_request(req)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Request for {req.control.ref} cancelled.")
    return redirect("core:controls:evidence_requests", request.org_access.organisation.slug)
