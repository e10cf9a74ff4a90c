"""The ISMS scope (4.3): the version in force as a document, the draft beside it, the history."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from openisms.context import scope_document as doc
from openisms.context import selectors
from openisms.context.forms import DecisionForm, ScopeForm
from openisms.context.models import ScopeStatus, ScopeVersion
from openisms.context.services import scope as svc
from openisms.core.access import org_view
from openisms.core.auditing import object_type
from openisms.core.exports import PDF_TYPE
from openisms.core.forms import apply_errors
from openisms.core.models import Approval
from openisms.core.services.approvals import ApprovalRefused, authors_of


def _history() -> list[dict[str, Any]]:
    versions = list(selectors.scope_versions())
    decisions: dict[str, list[Approval]] = {}
    for approval in Approval.objects.filter(
        subject_type=object_type(ScopeVersion), kind=svc.APPROVAL_KIND
    ).select_related("approver"):
        decisions.setdefault(approval.subject_id, []).append(approval)  # newest first
    return [{"v": v, "decisions": decisions.get(str(v.pk), [])} for v in versions]


@org_view("records.view")
def scope(request: HttpRequest) -> HttpResponse:
    access = request.org_access
    approved = svc.approved()
    draft = svc.current_draft()
    draft_state = svc.approval_state(draft) if draft else None
    can_approve = access.can("scope.approve")
    # Say up front that the approver edited it, rather than refuse on submit.
    authored = bool(draft and can_approve and request.user.pk in authors_of(draft))
    return render(
        request,
        "context/scope.html",
        {
            "approved": approved,
            "approved_doc": doc.document_context(approved) if approved else None,
            "draft": draft,
            "draft_state": draft_state,
            "draft_boundaries": doc.boundaries(draft) if draft else [],
            "changes": doc.diff(approved, draft) if draft else [],
            "history": _history(),
            "can_change": access.can("scope.change"),
            "can_approve": can_approve,
            "authored": authored,
            "decision_form": DecisionForm(),
        },
    )


@org_view("records.view")
def scope_version(request: HttpRequest, scope_id: str) -> HttpResponse:
    version = get_object_or_404(ScopeVersion, pk=scope_id)
    previous = ScopeVersion.objects.filter(number__lt=version.number).order_by("-number").first()
    return render(
        request,
        "context/scope_version.html",
        {
            **doc.document_context(version),
            "previous": previous,
            "changes": doc.diff(previous, version),
            "can_audit": request.org_access.can("audit_trail.view"),
        },
    )


@org_view("scope.change")
@require_POST
def scope_start(request: HttpRequest) -> HttpResponse:
    slug = request.org_access.organisation.slug
    try:
        draft = svc.start_draft(user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("core:context:scope", slug)
    messages.success(request, f"Draft v{draft.number} started from the latest version.")
    return redirect("core:context:scope_edit", slug, draft.pk)


@org_view("scope.change")
def scope_edit(request: HttpRequest, scope_id: str) -> HttpResponse:
    slug = request.org_access.organisation.slug
    version = get_object_or_404(ScopeVersion, pk=scope_id)
    if version.status != ScopeStatus.DRAFT:
        messages.error(
            request, f"Scope v{version.number} is {version.get_status_display().lower()}: "
            "it can no longer change. Start a new draft instead.",
        )  # fmt: skip
        return redirect("core:context:scope", slug)
    form = ScopeForm(request.POST or None, instance=version)
    if request.method == "POST" and form.is_valid():
        try:
            svc.update_draft(version, form.service_data())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request, f"Draft v{version.number} saved. Top management approves it on this page."
            )
            return redirect("core:context:scope", slug)
    return render(request, "context/scope_form.html", {"form": form, "version": version})


@org_view("scope.change")
@require_POST
def scope_discard(request: HttpRequest, scope_id: str) -> HttpResponse:
    slug = request.org_access.organisation.slug
    version = get_object_or_404(ScopeVersion, pk=scope_id)
    try:
        svc.discard_draft(version)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Draft v{version.number} discarded.")
    return redirect("core:context:scope", slug)


@org_view("scope.approve")
@require_POST
def scope_decide(request: HttpRequest, scope_id: str) -> HttpResponse:
    access = request.org_access
    slug = access.organisation.slug
    version = get_object_or_404(ScopeVersion, pk=scope_id)
    decision = request.POST.get("decision", "")
    form = DecisionForm(request.POST)
    if decision not in ("approve", "reject") or not form.is_valid():
        messages.error(request, "Choose Approve or Reject.")
        return redirect("core:context:scope", slug)
    comment = form.cleaned_data["comment"]
    try:
        if decision == "approve":
            svc.approve(version, approver=request.user, role=access.role, comment=comment)
        else:
            svc.reject(version, approver=request.user, role=access.role, comment=comment)
    except (ApprovalRefused, ValidationError) as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("core:context:scope", slug)
    if decision == "approve":
        messages.success(request, f"Scope v{version.number} approved: it is now the ISMS scope.")
    else:
        messages.success(request, f"Draft v{version.number} rejected; the author can revise it.")
    return redirect("core:context:scope", slug)


def _printable(scope_id: str | None) -> ScopeVersion:
    if scope_id is not None:
        return get_object_or_404(ScopeVersion, pk=scope_id)
    found = svc.approved()
    if found is None:
        raise Http404("No approved scope yet.")
    return found


@org_view("records.view")
def scope_print(request: HttpRequest, scope_id: str | None = None) -> HttpResponse:
    version = _printable(scope_id)
    html = doc.render_print_html(version, request.org_access.organisation, inline_css=False)
    return HttpResponse(html)


@org_view("records.view")
def scope_pdf(request: HttpRequest, scope_id: str | None = None) -> HttpResponse:
    version = _printable(scope_id)
    org = request.org_access.organisation
    response = HttpResponse(doc.scope_pdf(version, org), content_type=PDF_TYPE)
    name = f"{slugify(org.name) or org.slug}-isms-scope-v{version.number}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
