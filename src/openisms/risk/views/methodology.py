"""The risk method (6.1.2 a–c): the version in force, its sign-off, drafts and their history."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from openisms.core.access import org_view
from openisms.core.auditing import object_type
from openisms.core.models import Approval
from openisms.core.permissions import Role
from openisms.core.services.approvals import ApprovalRefused
from openisms.core.validation import clean_text
from openisms.risk import method_document, validation
from openisms.risk.forms_method import Draft, MethodForm, clamp_size, ink
from openisms.risk.models import Methodology, MethodologyStatus, Risk, RiskScoreHistory
from openisms.risk.scoring import Method
from openisms.risk.services import methodology as methods


def method_view(method: Method) -> dict[str, Any]:
    """A method laid out for the page: the grid with highest likelihood on top, levels."""
    grid = [
        {
            "point": point,
            "cells": [
                {"impact": ip, "level": lv, "ink": ink(lv.colour)}
                for ip in method.impact
                for lv in [method.level_for(point.value, ip.value)]
            ],
        }
        for point in reversed(method.likelihood)
    ]
    levels = [
        {
            "level": lv,
            "ink": ink(lv.colour),
            "roles": [Role(r).label for r in lv.accept_roles if r in Role.values],
            "within": method.within_criteria(lv),
        }
        for lv in method.ordered_levels()
    ]
    return {
        "method": method,
        "grid": grid,
        "levels": levels,
        "threshold": method.level(method.acceptance_threshold),
    }


@org_view("records.view")
def methodology(request: HttpRequest) -> HttpResponse:
    current = methods.current()
    pending = methods.draft()
    versions = list(Methodology.objects.select_related("created_by").order_by("-version"))
    in_use = dict(Risk.objects.order_by().values_list("methodology").annotate(n=Count("id")))
    scored = dict(
        RiskScoreHistory.objects.order_by()
        .values_list("methodology_version")
        .annotate(n=Count("risk", distinct=True))
    )
    decisions: dict[str, Approval] = {}
    for approval in Approval.objects.filter(
        subject_type=object_type(Methodology), kind=methods.APPROVAL_KIND
    ).select_related("approver"):
        decisions.setdefault(approval.subject_id, approval)  # newest first
    history = [
        {
            "m": m,
            "in_use": in_use.get(m.pk, 0),
            "scored": scored.get(m.version, 0),
            "decision": decisions.get(str(m.pk)),
        }
        for m in versions
    ]
    access = request.org_access
    shown = [
        {
            "m": m,
            "state": methods.approval_state(m),
            "risks": in_use.get(m.pk, 0),
            **method_view(m.method),
        }
        for m in (current, pending)
        if m is not None
    ]
    return render(
        request,
        "risk/methodology.html",
        {
            "current": current,
            "pending": pending,
            "shown": shown,
            "history": history,
            "can_change": access.can("risk.methodology.change"),
            "can_approve": access.can("risk.methodology.approve"),
            "can_export": access.can("records.export"),
            # Shown beside the approval form: the approver reads them before signing.
            "findings": _findings_for_approver(access, shown),
        },
    )


def _findings_for_approver(access: Any, shown: list[dict[str, Any]]) -> list[Any]:
    waiting = any(s["state"]["state"] != "approved" for s in shown)
    if not (waiting and access.can("risk.methodology.approve")):
        return []
    return validation.for_role(validation.findings(), access)


@org_view("risk.methodology.change")
def methodology_edit(request: HttpRequest) -> HttpResponse:
    pending = methods.draft()
    base = pending or methods.current()
    fallback = Draft.from_method(base.data)
    fallback.note = pending.note if pending else ""
    posted = request.method == "POST"
    # A redraw (new sizes, a new level) saves nothing. It comes as a POST with "refresh" (htmx
    # on a size change, or the "Update the grid" button) because the whole half-edited method
    # would overflow a GET request line; a bare GET ?likelihood=N&impact=M works too.
    redraw = not posted or "refresh" in request.POST
    source = request.POST if posted else request.GET
    draft = Draft.from_query(source, fallback=fallback, keep_blank=not redraw)
    wanted = (
        clamp_size(source.get("likelihood"), draft.sizes[0]),
        clamp_size(source.get("impact"), draft.sizes[1]),
    )
    form = None
    if not redraw and wanted == draft.sizes:
        form = MethodForm(request.POST, draft=draft, extra_row=False)
        if form.is_valid():
            try:
                saved = methods.propose(
                    form.method_data, note=form.cleaned_data["note"], user=request.user
                )
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(
                    request,
                    f"Draft v{saved.version} saved. It takes effect when top management "
                    "approves it; existing risks are then re-scored.",
                )
                return redirect("core:risk:methodology", request.org_access.organisation.slug)
    if form is None:
        # A first visit, a new grid size (htmx or the no-script "Update" button), or a
        # submission whose sizes changed without the grid being redrawn: show the form again.
        form = MethodForm(draft=draft.resize(*wanted))
    return render(
        request,
        "risk/methodology_form.html",
        {"form": form, "base": base, "pending": pending, "resized": form.draft.resized},
    )


@org_view("risk.methodology.approve")
@require_POST
def methodology_decide(request: HttpRequest, version: int) -> HttpResponse:
    slug = request.org_access.organisation.slug
    subject = get_object_or_404(Methodology, version=version)
    decision = request.POST.get("decision", "")
    access = request.org_access
    if subject.status == MethodologyStatus.SUPERSEDED:
        messages.error(request, f"Method v{version} has been superseded; it cannot be decided.")
        return redirect("core:risk:methodology", slug)
    if decision not in ("approve", "reject"):
        messages.error(request, "Choose Approve or Reject.")
        return redirect("core:risk:methodology", slug)
    was_draft = subject.status == MethodologyStatus.DRAFT
    if decision == "reject" and not was_draft:
        messages.error(
            request, "Only a draft can be rejected; propose a change to the method instead."
        )
        return redirect("core:risk:methodology", slug)
    try:
        comment = clean_text(request.POST.get("comment"), "comment")
        if decision == "approve":
            methods.approve(subject, approver=request.user, role=access.role, comment=comment)
        else:
            methods.reject(subject, approver=request.user, role=access.role, comment=comment)
    except (ApprovalRefused, ValidationError) as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("core:risk:methodology", slug)
    if decision == "reject":
        messages.success(request, f"Draft v{version} rejected; the author can revise it.")
    elif was_draft:
        count = methods.risks_using(subject)
        messages.success(
            request,
            f"Method v{version} approved and now in force; {count} "
            f"risk{'s' if count != 1 else ''} re-scored (score history keeps the old scores).",
        )
    else:
        messages.success(request, f"Method v{version} approved.")
    return redirect("core:risk:methodology", slug)


@org_view("records.view")
def methodology_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The method as a controlled document; ``?version=N`` for another version than in force."""
    if fmt not in method_document.FORMATS:
        raise Http404("The risk method downloads as DOCX or PDF.")
    raw = request.GET.get("version", "").strip().lstrip("v")
    if raw and (not raw.isdigit() or len(raw) > 9):
        raise Http404("No such version.")
    try:
        chosen = method_document.pick(int(raw) if raw else None)
    except method_document.MethodExportError as exc:
        raise Http404(str(exc))
    request.org_access.require(method_document.required_action(chosen))
    response = HttpResponse(
        method_document.render(chosen, fmt), content_type=method_document.CONTENT_TYPES[fmt]
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{method_document.filename(chosen, fmt)}"'
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
