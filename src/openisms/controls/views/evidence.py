"""Evidence pages: the list, upload/link/note forms, the detail and the authorised download."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from openisms.controls.forms_evidence import EvidenceForm
from openisms.controls.models import Evidence, EvidenceKind, EvidenceRequest, RequestStatus
from openisms.controls.services import evidence as svc
from openisms.controls.services import requests as req_svc
from openisms.core.access import org_view
from openisms.core.forms import apply_errors
from openisms.core.views.deleted import confirm_delete
from openisms.core.views.pagination import paginate
from openisms.people.identity import owner_choices, person_for

FILTERS = ("kind", "control", "owner", "validity", "q")
KIND_LABELS = {"file": "Upload a file", "link": "Add a link", "note": "Write a note"}


def _filters(request: HttpRequest) -> dict[str, str]:
    return {k: request.GET.get(k, "").strip()[:100] for k in FILTERS}


@org_view("records.view")
def evidence_list(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    rows = svc.evidence_list(filters).annotate(n_controls=Count("controls", distinct=True))
    page = paginate(request, rows)
    access = request.org_access
    return render(
        request,
        "controls/evidence_list.html",
        {
            "page": page,
            "filters": filters,
            "kinds": EvidenceKind.choices,
            "owners": owner_choices(ensure=False),
            "empty": not page.object_list and not any(filters.values()),
            "can_upload": access.can("evidence.upload"),
            "can_export": access.can("records.export"),
        },
    )


def _request_to_fulfil(request: HttpRequest) -> EvidenceRequest | None:
    raw = request.GET.get("request") or request.POST.get("request")
    if not raw:
        return None
    try:
        return EvidenceRequest.objects.select_related("control").get(pk=raw)
    except (EvidenceRequest.DoesNotExist, ValidationError, ValueError):
        raise Http404("No such evidence request.") from None


@org_view("evidence.upload")
def evidence_new(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in EvidenceKind.values:
        raise Http404("Evidence is a file, a link or a note.")
    access = request.org_access
    fulfil = _request_to_fulfil(request)
    me = person_for(request.user)
    initial: dict[str, Any] = {"owner": me.pk if me else None}
    control_ref = request.GET.get("control", "")[:30]
    if fulfil is not None:
        # Checked before anything is stored, so a refusal leaves no orphan evidence behind.
        if not req_svc.may_fulfil(fulfil, request.user, is_manager=access.can("evidence.request")):
            raise PermissionDenied("Only the person asked or an ISMS manager can fulfil this.")
        if fulfil.status != RequestStatus.OPEN:
            messages.error(
                request, f"This request is already {fulfil.get_status_display().lower()}."
            )
            return redirect("core:controls:evidence_requests", access.organisation.slug)
        control_ref = fulfil.control.ref
    if control_ref:
        initial["controls"] = control_ref
    form = EvidenceForm(request.POST or None, request.FILES or None, kind=kind, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            ev = svc.create_evidence(
                form.service_data(), form.cleaned_data.get("file"), user=request.user
            )
            if fulfil is not None:
                req_svc.fulfil_request(
                    fulfil, ev, user=request.user, is_manager=access.can("evidence.request")
                )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            done = " The evidence request is fulfilled." if fulfil is not None else ""
            messages.success(request, f"{ev.ref} {ev.title} added.{done}")
            return redirect("core:controls:evidence_detail", access.organisation.slug, ev.pk)
    return render(
        request,
        "controls/evidence_form.html",
        {"form": form, "kind": kind, "heading": KIND_LABELS[kind], "fulfil": fulfil},
    )


@org_view("records.view")
def evidence_detail(request: HttpRequest, evidence_id: str) -> HttpResponse:
    ev = get_object_or_404(Evidence.objects.select_related("owner", "uploaded_by"), pk=evidence_id)
    access = request.org_access
    return render(
        request,
        "controls/evidence_detail.html",
        {
            "ev": ev,
            "controls": ev.controls.order_by("order", "ref"),
            "risks": ev.risks.order_by("ref"),
            "requests": ev.requests.select_related("control", "requested_from"),
            "can_download": access.can("evidence.download"),
            "can_change": access.can("evidence.upload"),
            "can_delete": access.can("records.delete"),
        },
    )


@org_view("evidence.upload")
def evidence_edit(request: HttpRequest, evidence_id: str) -> HttpResponse:
    ev = get_object_or_404(Evidence, pk=evidence_id)
    initial = {
        "title": ev.title, "description": ev.description, "url": ev.url, "note": ev.note,
        "owner": ev.owner_id, "collected_on": ev.collected_on, "valid_until": ev.valid_until,
        "controls": ", ".join(ev.controls.order_by("order").values_list("ref", flat=True)),
        "risks": ", ".join(ev.risks.order_by("ref").values_list("ref", flat=True)),
    }  # fmt: skip
    form = EvidenceForm(request.POST or None, kind=ev.kind, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            svc.update_evidence(ev, form.service_data())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"{ev.ref} saved.")
            return redirect(
                "core:controls:evidence_detail", request.org_access.organisation.slug, ev.pk
            )
    return render(
        request,
        "controls/evidence_form.html",
        {"form": form, "kind": ev.kind, "heading": f"Edit {ev.ref}", "ev": ev},
    )


@org_view("records.delete")
def evidence_delete(request: HttpRequest, evidence_id: str) -> HttpResponse:
    slug = request.org_access.organisation.slug
    ev = get_object_or_404(Evidence, pk=evidence_id)
    return confirm_delete(
        request, ev, delete=svc.delete_evidence,
        done_url=reverse("core:controls:evidence_list", args=[slug]),
        back_url=reverse("core:controls:evidence_detail", args=[slug, ev.pk]),
    )  # fmt: skip


def file_response(ev: Evidence) -> FileResponse:
    """The stored file as an attachment under its original base name (RFC 5987-encoded by
    Django when it is not ASCII), typed by what its content was found to be."""
    if ev.kind != EvidenceKind.FILE or not ev.file:
        raise Http404("This evidence has no file.")
    try:
        handle = ev.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing from storage.") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=ev.file_name or f"{ev.ref}.bin",
        content_type=ev.file_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@org_view("records.view")
def evidence_download(request: HttpRequest, evidence_id: str) -> FileResponse:
    # Look the record up first: another organisation's id is a 404 whatever the role.
    ev = get_object_or_404(Evidence, pk=evidence_id)
    request.org_access.require("evidence.download")
    return file_response(ev)
