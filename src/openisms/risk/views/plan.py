"""The risk treatment plan (6.1.3 e–f, 8.3): actions, their due dates, the plan's sign-off."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from openisms.core.access import org_view
from openisms.core.forms import apply_errors
from openisms.core.validation import clean_text
from openisms.core.views.pagination import paginate
from openisms.people.identity import owner_choices
from openisms.risk import gantt, selectors, validation
from openisms.risk.forms_risk import ActionForm
from openisms.risk.models import ActionStatus, Risk, TreatmentAction
from openisms.risk.models.treatment import OPEN_ACTION_STATUSES
from openisms.risk.services import actions as action_service
from openisms.risk.services import methodology as methods
from openisms.risk.views.register import level_view

SORTS = {
    "due": ("due_date", "risk__ref"),
    "risk": ("risk__ref", "due_date"),
    "owner": ("owner__full_name", "due_date"),
    "status": ("status", "due_date"),
}
GANTT_LIMIT = 60


def _action_page(
    request: HttpRequest, form: ActionForm, risk: Risk, action: TreatmentAction | None
) -> HttpResponse:
    return render(request, "risk/action_form.html", {"form": form, "risk": risk, "action": action})


@org_view("records.change")
def action_create(request: HttpRequest, risk_id: uuid.UUID) -> HttpResponse:
    risk = get_object_or_404(Risk, pk=risk_id)
    form = ActionForm(request.POST or None, initial={"owner": risk.owner_id})
    if request.method == "POST" and form.is_valid():
        try:
            action_service.create_action(risk, form.service_data())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Action added to {risk.ref}.")
            return redirect("core:risk:risk_detail", request.org_access.organisation.slug, risk.pk)
    return _action_page(request, form, risk, None)


@org_view("records.change")
def action_edit(request: HttpRequest, action_id: uuid.UUID) -> HttpResponse:
    action = get_object_or_404(
        TreatmentAction.objects.select_related("risk", "control"), pk=action_id
    )
    form = ActionForm(request.POST or None, instance=action)
    if request.method == "POST" and form.is_valid():
        try:
            action_service.update_action(action, form.service_data())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Action “{action.title}” saved.")
            nxt = request.POST.get("next", "")
            slug = request.org_access.organisation.slug
            if nxt == "plan":
                return redirect("core:risk:plan", slug)
            return redirect("core:risk:risk_detail", slug, action.risk_id)
    return _action_page(request, form, action.risk, action)


def _may_sign(request: HttpRequest) -> bool:
    access = request.org_access
    return access.can("risk.plan.signoff") or access.can("risk.plan.approve")


def _timeline(
    request: HttpRequest, actions: QuerySet[TreatmentAction], filters: dict[str, str]
) -> dict[str, Any]:
    """Summary figures and the Gantt chart of the listed actions: two queries, whatever the size.

    The chart shows open actions unless the person filtered on a status (then that status), the
    earliest due first, undated last (NULLS LAST: SQLite and PostgreSQL disagree otherwise).
    """
    today = timezone.localdate()
    open_q = Q(status__in=OPEN_ACTION_STATUSES)
    summary = actions.order_by().aggregate(
        total=Count("id"),
        open=Count("id", filter=open_q),
        overdue=Count("id", filter=open_q & Q(due_date__lt=today)),
        done_recently=Count(
            "id",
            filter=Q(status=ActionStatus.DONE)
            & Q(completed_at__gte=timezone.now() - dt.timedelta(days=30)),
        ),
    )
    charted = actions if filters.get("status") else actions.filter(open_q)
    total = summary["total"] if filters.get("status") else summary["open"]
    svg = ""
    if total:
        rows = charted.order_by(F("due_date").asc(nulls_last=True), "risk__ref", "created_at")
        slug = request.org_access.organisation.slug

        def edit_url(a: TreatmentAction) -> str:
            return reverse("core:risk:action_edit", args=[slug, a.pk]) + "?next=plan"

        # Like the table: only people who may edit an action get links to its form.
        href = edit_url if request.org_access.can("records.change") else None
        items = gantt.items_from_actions(rows[:GANTT_LIMIT], href)
        svg = gantt.gantt_svg(items, today=today, total=total)
    # The SVG escapes every text itself (gantt.svg_text).
    return {**summary, "charted": total, "svg": mark_safe(svg)}  # noqa: S308


@org_view("records.view")
def plan(request: HttpRequest) -> HttpResponse:
    filters = {k: request.GET.get(k, "").strip()[:100] for k in ("owner", "status", "overdue")}
    sort = request.GET.get("sort", "due")
    sort = sort if sort in SORTS else "due"
    actions = selectors.treatment_plan_actions(filters)
    page = paginate(request, actions.order_by(*SORTS[sort]))
    method = methods.current().method
    rows = list(page.object_list)
    for a in rows:
        a.res = level_view(method, a.risk.residual_level)
    page.object_list = rows
    status = action_service.plan_status()
    access = request.org_access
    context = {
        "page": page,
        "filters": filters,
        "sort": sort,
        "sorts": [("due", "Due date"), ("risk", "Risk"), ("owner", "Owner"), ("status", "Status")],
        "statuses": ActionStatus.choices,
        "owners": owner_choices(ensure=False),
        "status": status,
        "today": timezone.localdate(),
        "overdue_total": selectors.overdue_count(),
        "may_sign": _may_sign(request),
        "approves": access.can("risk.plan.approve"),
        "can_change": access.can("records.change"),
        "signed_by_me": request.user.pk in status["signer_ids"],
        "active_filters": any(filters.values()),
        "timeline": _timeline(request, actions, filters),
        # The signer sees what an auditor would question before signing (blocks/warns).
        "findings": validation.for_role(validation.findings(), access),
    }
    context["blocking"] = [f for f in context["findings"] if f.blocking]
    return render(request, "risk/plan.html", context)


@org_view("records.view")
@require_POST
def plan_sign(request: HttpRequest) -> HttpResponse:
    if not _may_sign(request):
        raise PermissionDenied("Your role may not sign the treatment plan.")
    try:
        comment = clean_text(request.POST.get("comment", ""), "comment")[:2000]
        approval = action_service.sign_plan(user=request.user, comment=comment)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        what = (
            "approved the treatment plan"
            if approval.kind == action_service.PLAN_APPROVAL
            else "signed your part of the treatment plan"
        )
        messages.success(request, f"You {what}.")
    return redirect("core:risk:plan", request.org_access.organisation.slug)
