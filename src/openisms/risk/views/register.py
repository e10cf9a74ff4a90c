"""The risk register (6.1.2, 8.2): list, filters, one risk, create/edit/delete, acceptance."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST

from openisms.core.access import org_view
from openisms.core.forms import apply_errors
from openisms.core.permissions import Role
from openisms.core.services.approvals import approval_status
from openisms.core.validation import clean_text
from openisms.core.views.deleted import confirm_delete
from openisms.core.views.pagination import paginate
from openisms.people.identity import owner_choices
from openisms.risk import charts, selectors
from openisms.risk.forms_risk import RiskForm, annex_a_controls
from openisms.risk.models import (
    Asset,
    Risk,
    RiskKind,
    RiskStatus,
    Treatment,
)
from openisms.risk.scoring import Level, Method
from openisms.risk.services import methodology as methods
from openisms.risk.services import risks as risk_service
from openisms.risk.services.risks import ACCEPTANCE_KIND

MAPS = ("inherent", "residual")
PERMS = ("records.create", "records.change", "records.delete", "records.export", "records.import")


def level_view(method: Method, key: str) -> dict[str, Any] | None:
    """A level as templates show it: name, key (CSS hook) and a swatch in its own colour."""
    level: Level | None = method.level(key) if key else None
    if level is None:
        return {"key": key, "name": key, "swatch": ""} if key else None
    return {"key": level.key, "name": level.name, "swatch": charts.swatch_svg(level.colour)}


def scale_text(method: Method, likelihood: int | None, impact: int | None) -> str:
    """ "likelihood 4 Likely × impact 4 Major", as the method in force names the points."""
    if likelihood is None or impact is None:
        return ""
    try:
        li, im = method.likelihood[likelihood - 1].label, method.impact[impact - 1].label
    except IndexError:
        li, im = "", ""
    return f"likelihood {likelihood} {li} × impact {impact} {im}"


def with_levels(risks: Iterable[Risk], method: Method) -> list[Risk]:
    """Attach displayable levels to each risk (no query: the method is already loaded)."""
    rows = list(risks)
    for r in rows:
        r.inh = level_view(method, r.inherent_level)
        r.res = level_view(method, r.residual_level)
    return rows


def can_map(request: HttpRequest) -> dict[str, bool]:
    access = request.org_access
    return {action.split(".")[-1]: access.can(action) for action in PERMS}


def _filters(request: HttpRequest) -> dict[str, str]:
    return {key: request.GET.get(key, "").strip()[:100] for key in selectors.RISK_FILTERS}


def _without(request: HttpRequest, *keys: str) -> str:
    query: QueryDict = request.GET.copy()
    for key in (*keys, "page"):
        query.pop(key, None)
    return query.urlencode()


def _cell_chip(request: HttpRequest, filters: dict[str, str], method: Method) -> dict | None:
    """The heat-map cell a link came from, in words, with the link that removes it."""
    if not filters["cell"]:
        return None
    which = "residual" if filters["map"] == "residual" else "inherent"
    try:
        li, im = (int(x) for x in filters["cell"].split("-", 1))
        if li < 1 or im < 1:
            raise IndexError
        label = f"{method.likelihood[li - 1].label} × {method.impact[im - 1].label}"
    except (ValueError, IndexError):
        label = filters["cell"]
    return {"label": f"{which.capitalize()}: {label}", "remove": _without(request, "cell", "map")}


@org_view("records.view")
def register(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    method = methods.current().method
    risks = selectors.risk_register(filters)
    unscored = request.GET.get("unscored", "")
    if unscored in MAPS:
        # The "not yet scored" count next to a heat map opens exactly those risks.
        risks = risks.filter(**{f"{unscored}_likelihood": None})
    page = paginate(request, risks)
    page.object_list = with_levels(page.object_list, method)
    context = {
        "page": page,
        "filters": filters,
        "unscored": unscored if unscored in MAPS else "",
        "active_filters": any(filters.values()) or unscored in MAPS,
        "cell_chip": _cell_chip(request, filters, method),
        "unscored_remove": _without(request, "unscored"),
        "export_query": _without(request),
        "can": can_map(request),
    }
    if request.htmx and not request.htmx.history_restore_request:
        response = render(request, "risk/_register_rows.html", context)
        # The same URL answers a page or its rows: caches must keep them apart.
        patch_vary_headers(response, ("HX-Request",))
        return response
    context.update(
        owners=owner_choices(ensure=False),
        levels=method.ordered_levels(),
        statuses=RiskStatus.choices,
        treatments=Treatment.choices,
        kinds=RiskKind.choices,
        controls=annex_a_controls().only("ref", "title"),
    )
    response = render(request, "risk/register.html", context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _form_page(request: HttpRequest, form: RiskForm, risk: Risk | None) -> HttpResponse:
    return render(request, "risk/risk_form.html", {"form": form, "risk": risk})


@org_view("records.create")
def risk_create(request: HttpRequest) -> HttpResponse:
    method = methods.current().method
    initial: dict[str, Any] = {}
    asset_ref = request.GET.get("asset", "").strip()[:20]
    if asset_ref:
        initial["assets"] = list(Asset.objects.filter(ref=asset_ref))
    form = RiskForm(request.POST or None, method=method, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            risk = risk_service.create_risk(form.service_data())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Risk {risk.ref} recorded.")
            return redirect("core:risk:risk_detail", request.org_access.organisation.slug, risk.pk)
    return _form_page(request, form, None)


@org_view("records.change")
def risk_edit(request: HttpRequest, risk_id: uuid.UUID) -> HttpResponse:
    risk = get_object_or_404(Risk, pk=risk_id)
    method = methods.current().method
    form = RiskForm(request.POST or None, method=method, instance=risk)
    if request.method == "POST" and form.is_valid():
        try:
            risk = risk_service.update_risk(risk, form.service_data())
        except ValidationError as exc:
            apply_errors(form, exc)
            risk.refresh_from_db()  # the service may have half-applied the input in memory
        else:
            messages.success(request, f"Risk {risk.ref} saved.")
            return redirect("core:risk:risk_detail", request.org_access.organisation.slug, risk.pk)
    return _form_page(request, form, risk)


@org_view("records.view")
def risk_detail(request: HttpRequest, risk_id: uuid.UUID) -> HttpResponse:
    risk = get_object_or_404(
        Risk.objects.select_related("owner", "threat", "vulnerability", "methodology"), pk=risk_id
    )
    method = risk.methodology.method if risk.methodology else methods.current().method
    with_levels([risk], method)
    history = list(risk.score_history.all())
    for h in history:
        h.inh = level_view(method, h.inherent_level)
        h.res = level_view(method, h.residual_level)
    residual = method.level(risk.residual_level) if risk.residual_level else None
    access = request.org_access
    acceptance = approval_status(risk, ACCEPTANCE_KIND)
    role = acceptance["approval"].approver_role if acceptance["approval"] else ""
    context = {
        "risk": risk,
        "method": method,
        "inherent_scale": scale_text(method, risk.inherent_likelihood, risk.inherent_impact),
        "residual_scale": scale_text(method, risk.residual_likelihood, risk.residual_impact),
        "acceptance": acceptance,
        "acceptance_role": Role(role).label if role in Role.values else role,
        "assets": risk.assets.order_by("ref"),
        "controls": risk.controls.order_by("order"),
        "history": history,
        "actions": risk.actions.select_related("owner", "control"),
        "accept_roles": [Role(r).label for r in residual.accept_roles] if residual else [],
        "within_criteria": method.within_criteria(residual) if residual else None,
        # The form is offered to the roles the method lets accept this level; the service
        # enforces it either way (and refuses authors of the risk).
        "may_accept": access.can("risk.accept")
        and residual is not None
        and access.role in residual.accept_roles,
        "can": {**can_map(request), "audit": access.can("audit_trail.view")},
    }
    return render(request, "risk/risk_detail.html", context)


@org_view("records.delete")
def risk_delete(request: HttpRequest, risk_id: uuid.UUID) -> HttpResponse:
    slug = request.org_access.organisation.slug
    risk = get_object_or_404(Risk, pk=risk_id)
    return confirm_delete(
        request, risk, delete=risk_service.delete_risk,
        done_url=reverse("core:risk:register", args=[slug]),
        back_url=reverse("core:risk:risk_detail", args=[slug, risk.pk]),
    )  # fmt: skip


@org_view("risk.accept")
@require_POST
def risk_accept(request: HttpRequest, risk_id: uuid.UUID) -> HttpResponse:
    risk = get_object_or_404(Risk.objects.select_related("methodology"), pk=risk_id)
    try:
        comment = clean_text(request.POST.get("comment", ""), "comment")[:2000]
        risk_service.accept_risk(risk, user=request.user, comment=comment)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Residual risk of {risk.ref} accepted.")
    return redirect("core:risk:risk_detail", request.org_access.organisation.slug, risk.pk)


@org_view("records.view")
def mine(request: HttpRequest) -> HttpResponse:
    work = selectors.my_work(request.user)
    method = methods.current().method
    context = {
        "risks": with_levels(work["risks"], method),
        "actions": list(work["actions"]),
        "can": can_map(request),
    }
    return render(request, "risk/mine.html", context)
