"""Version pages: one version with its differences from the previous one, editing a draft (text
and attached file), and the transitions submit → approve/reject → publish; the file download."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from openisms.core.access import org_view
from openisms.core.forms import apply_errors
from openisms.documents import selectors
from openisms.documents.forms import CommentForm, PublishForm, VersionForm
from openisms.documents.markdown import render_markdown
from openisms.documents.models import Document, DocumentVersion, VersionStatus
from openisms.documents.services import files
from openisms.documents.services import versions as svc


def _version(version_id: Any) -> DocumentVersion:
    return get_object_or_404(
        DocumentVersion.objects.select_related(
            "document__owner", "document__approver", "author", "approved_by"
        ),
        pk=version_id,
    )


def _back(request: HttpRequest, version: DocumentVersion) -> HttpResponse:
    return redirect(
        "core:documents:detail", request.org_access.organisation.slug, version.document_id
    )


@org_view("records.view")
def version_detail(request: HttpRequest, version_id: str) -> HttpResponse:
    version = _version(version_id)
    previous = selectors.previous_version(version)
    lines = selectors.diff_lines(previous.content if previous else "", version.content)
    return render(
        request,
        "documents/version.html",
        {
            "document": version.document,
            "version": version,
            "previous": previous,
            "content": render_markdown(version.content),
            "diff": lines,
            "diff_summary": selectors.diff_summary(lines),
            "file_changed": bool(previous) and previous.file_sha256 != version.file_sha256,
            "approval": svc.approval_of(version),
        },
    )


@org_view("documents.change")
def version_edit(request: HttpRequest, version_id: str) -> HttpResponse:
    version = _version(version_id)
    if version.status != VersionStatus.DRAFT:
        messages.error(request, f"{version} is not a draft: only drafts can be edited.")
        return _back(request, version)
    form = VersionForm(request.POST or None, request.FILES or None, instance=version)
    if request.method == "POST" and form.is_valid():
        try:
            # All or nothing: a refused file leaves the text unsaved too, and the form says why.
            with transaction.atomic():
                svc.edit_draft(
                    version,
                    {k: form.cleaned_data[k] for k in ("content", "change_summary")},
                    user=request.user,
                )
                if form.cleaned_data.get("file"):
                    files.attach_file(version, form.cleaned_data["file"])
                elif form.cleaned_data.get("remove_file"):
                    files.remove_file(version)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"{version} saved.")
            return _back(request, version)
    return render(
        request,
        "documents/version_form.html",
        {"form": form, "version": version, "document": version.document},
    )


@org_view("documents.change")
@require_POST
def new_version(request: HttpRequest, document_id: str) -> HttpResponse:
    document = get_object_or_404(Document, pk=document_id)
    slug = request.org_access.organisation.slug
    try:
        version = svc.new_version(document, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("core:documents:detail", slug, document.pk)
    messages.success(request, f"{version} started as a draft from the latest text.")
    return redirect("core:documents:version_edit", slug, version.pk)


def _transition(request: HttpRequest, version: DocumentVersion, action: Any, done: str):
    try:
        action()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return _back(request, version)


@org_view("documents.change")
@require_POST
def submit(request: HttpRequest, version_id: str) -> HttpResponse:
    version = _version(version_id)
    return _transition(
        request, version, lambda: svc.submit(version, user=request.user),
        f"{version} sent for approval.",
    )  # fmt: skip


@org_view("documents.approve")
@require_POST
def approve(request: HttpRequest, version_id: str) -> HttpResponse:
    version = _version(version_id)
    form = CommentForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    return _transition(
        request, version,
        lambda: svc.approve(version, user=request.user, role=request.org_access.role,
                            comment=comment),
        f"{version} approved; an ISMS manager can now publish it.",
    )  # fmt: skip


@org_view("documents.approve")
@require_POST
def reject(request: HttpRequest, version_id: str) -> HttpResponse:
    version = _version(version_id)
    form = CommentForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    return _transition(
        request, version,
        lambda: svc.reject(version, user=request.user, role=request.org_access.role,
                           comment=comment),
        f"{version} rejected and returned to its authors as a draft.",
    )  # fmt: skip


@org_view("documents.publish")
@require_POST
def publish(request: HttpRequest, version_id: str) -> HttpResponse:
    version = _version(version_id)
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose who is asked to acknowledge it, and a valid date.")
        return _back(request, version)
    audience = form.cleaned_data["audience"]
    if audience != "none" and not request.org_access.can("documents.request_ack"):
        raise PermissionDenied("Your role may not ask people to acknowledge documents.")
    try:
        asked = svc.publish(
            version, user=request.user, audience=audience, due_on=form.cleaned_data["due_on"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        extra = f" {asked} people asked to read and acknowledge it." if asked else ""
        messages.success(request, f"{version} published and in force.{extra}")
    return _back(request, version)


@org_view("records.view")
def download(request: HttpRequest, version_id: str) -> FileResponse:
    version = get_object_or_404(DocumentVersion.objects.select_related("document"), pk=version_id)
    if not version.file:
        raise Http404("This version has no attached file.")
    try:
        handle = version.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing from storage.") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=version.file_name or f"{version.document.ref}-v{version.number}",
        content_type=version.file_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
