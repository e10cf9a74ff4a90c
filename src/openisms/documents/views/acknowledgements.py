"""Read and acknowledge: staff's reading list, the reading page with "I have read and understood",
and for managers the requests of a version (ask more people, record a paper acknowledgement)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from openisms.core.access import org_view
from openisms.core.views.pagination import paginate
from openisms.documents import selectors
from openisms.documents.forms import RequestAckForm
from openisms.documents.markdown import render_markdown
from openisms.documents.models import Acknowledgement, DocumentVersion
from openisms.documents.services import acknowledgements as svc


@org_view("records.view")
def to_read(request: HttpRequest) -> HttpResponse:
    from openisms.people.models import Person

    return render(
        request,
        "documents/to_read.html",
        {
            "pending": list(selectors.my_pending(request.user)[:200]),
            "done": selectors.my_done(request.user),
            "has_person": Person.objects.filter(user=request.user).exists(),
        },
    )


def _ack(acknowledgement_id: str) -> Acknowledgement:
    return get_object_or_404(
        Acknowledgement.objects.select_related(
            "version__document__owner", "version__author", "person", "acknowledged_by"
        ),
        pk=acknowledgement_id,
    )


@org_view("records.view")
def read(request: HttpRequest, acknowledgement_id: str) -> HttpResponse:
    ack = _ack(acknowledgement_id)
    mine = ack.person.user_id == request.user.pk
    if not mine and not request.org_access.can("documents.request_ack"):
        # Someone else's reading list is nobody else's business.
        raise Http404("Not found.")
    version = ack.version
    return render(
        request,
        "documents/read.html",
        {
            "ack": ack,
            "mine": mine,
            "version": version,
            "document": version.document,
            "content": render_markdown(version.content),
            "in_force": svc.in_force(version),
            "can_acknowledge": request.org_access.can("documents.acknowledge"),
        },
    )


@org_view("documents.acknowledge")
@require_POST
def acknowledge(request: HttpRequest, acknowledgement_id: str) -> HttpResponse:
    ack = _ack(acknowledgement_id)
    slug = request.org_access.organisation.slug
    mine = ack.person.user_id == request.user.pk
    try:
        svc.acknowledge(ack, user=request.user, role=request.org_access.role)
    except PermissionDenied:
        if not mine:
            raise Http404("Not found.") from None
        raise
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("core:documents:read", slug, ack.pk)
    version = ack.version
    if mine:
        messages.success(
            request, f"Thank you: you acknowledged {version.document.title} {version.label}."
        )
        return redirect("core:documents:to_read", slug)
    messages.success(request, f"Acknowledgement of {ack.person} recorded on their behalf.")
    return redirect("core:documents:acknowledgements", slug, version.pk)


@org_view("records.view")
def version_acknowledgements(request: HttpRequest, version_id: str) -> HttpResponse:
    """Who was asked to read this version and who confirmed it; managers ask more people."""
    version = get_object_or_404(DocumentVersion.objects.select_related("document"), pk=version_id)
    access = request.org_access
    slug = access.organisation.slug
    form = RequestAckForm(request.POST or None)
    if request.method == "POST":
        access.require("documents.request_ack")
        if form.is_valid():
            try:
                asked = svc.request_acknowledgements(
                    version,
                    svc.audience_of(version.document, form.cleaned_data["audience"]),
                    due_on=form.cleaned_data["due_on"],
                    user=request.user,
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(
                    request,
                    f"{asked} more people asked to acknowledge {version}."
                    if asked
                    else "Everyone in that group was already asked.",
                )
            return redirect("core:documents:acknowledgements", slug, version.pk)
    page = paginate(request, selectors.acknowledgements_of(version))
    return render(
        request,
        "documents/acknowledgements.html",
        {
            "version": version,
            "document": version.document,
            "page": page,
            "progress": selectors.ack_progress(version, outstanding_limit=0),
            "form": form,
            "in_force": svc.in_force(version),
            "can_request": access.can("documents.request_ack"),
        },
    )
