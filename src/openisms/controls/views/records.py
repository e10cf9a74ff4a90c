"""Pages of the control implementation records: the list with progress charts, a control's
page with its decision and implementation, "my controls", the validation panel."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template import TemplateDoesNotExist
from django.template.loader import select_template
from django.urls import reverse
from django.views.decorators.http import require_POST

from openisms.catalogue.loader import ATTRIBUTE_COLUMNS
from openisms.catalogue.selectors import ATTRIBUTE_LABELS
from openisms.controls import charts, selectors, validation
from openisms.controls.forms import DecisionForm, ImplementationForm
from openisms.controls.models import Control, ImplementationStatus
from openisms.controls.services import records as svc
from openisms.controls.services.setup import ensure_controls
from openisms.core import inplace
from openisms.core.access import org_view
from openisms.core.forms import apply_errors
from openisms.people.identity import owner_choices

EVIDENCE_TEMPLATE = "controls/evidence_for_control.html"


def _filters(request: HttpRequest) -> dict[str, str]:
    return {k: request.GET.get(k, "").strip()[:200] for k in selectors.FILTERS}


def attribute_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Attribute filter options grouped by attribute (one query)."""
    from openisms.catalogue.models import Framework
    from openisms.catalogue.selectors import attribute_facets

    framework = Framework.objects.filter(slug="iso27001-2022").first()
    facets = attribute_facets(framework) if framework else {}
    return [
        (ATTRIBUTE_LABELS.get(name, name), [(f"{name}={v}", v.replace("_", " ")) for v in values])
        for name, values in facets.items()
        if name in ATTRIBUTE_COLUMNS
    ]


@org_view("records.view")
def control_list(request: HttpRequest) -> HttpResponse:
    ensure_controls()
    filters = _filters(request)
    rows = list(selectors.control_rows(filters))
    progress = selectors.progress()
    context: dict[str, Any] = {
        "rows": rows,
        "filters": filters,
        "active_filters": any(filters.values()),
        "can_change": request.org_access.can("controls.change"),
    }
    if request.htmx and request.headers.get("HX-Target") == "control-rows":
        return render(request, "controls/_records_rows.html", context)
    context.update(
        {
            "themes": selectors.THEMES,
            "statuses": ImplementationStatus.choices,
            "applicability": selectors.APPLICABILITY,
            "owners": owner_choices(ensure=False),
            "attributes": attribute_choices(),
            "progress": progress,
            "theme_chart": charts.theme_bars(progress),
            "status_chart": charts.status_bars(progress),
        }
    )
    return render(request, "controls/records_list.html", context)


@org_view("records.view")
def my_controls(request: HttpRequest) -> HttpResponse:
    ensure_controls()
    rows = list(selectors.my_controls(request.user))
    return render(request, "controls/records_mine.html", {"rows": rows})


@org_view("records.view")
def validation_panel(request: HttpRequest) -> HttpResponse:
    ensure_controls()
    items = validation.for_role(validation.findings(), request.org_access)
    return render(
        request,
        "controls/records_validation.html",
        {
            "groups": validation.grouped(items),
            "total": len(items),
            "blocking": sum(1 for f in items if f.blocking),
        },
    )


def _evidence_template_exists() -> bool:
    try:
        select_template([EVIDENCE_TEMPLATE])
    except TemplateDoesNotExist:
        return False
    return True


def _detail_context(request: HttpRequest, control: Control, **forms: Any) -> dict[str, Any]:
    access = request.org_access
    can_decide = access.can("controls.change")
    can_implement = svc.may_implement(control, request.user, access.role)
    return {
        "control": control,
        "requirement": control.requirement,
        "attributes": [
            (ATTRIBUTE_LABELS.get(k, k), [v.replace("_", " ") for v in vs])
            for k, vs in (
                (control.requirement.attributes or {}).items() if control.requirement else []
            )
        ],
        "maps_to": list(control.maps_to.all()),
        "risks": selectors.risks_for(control),
        "obligations": selectors.obligations_for(control),
        "documents": selectors.documents_for(control),
        "evidence": selectors.evidence_for(control),
        "show_evidence_include": _evidence_template_exists(),
        "can_decide": can_decide,
        "can_implement": can_implement,
        "can_audit": access.can("audit_trail.view"),
        "decision_form": forms.get("decision_form")
        or (DecisionForm(control=control) if can_decide else None),
        "implementation_form": forms.get("implementation_form")
        or (
            ImplementationForm(control=control, may_change_owner=can_decide)
            if can_implement
            else None
        ),
    }


def _control(control_id: Any) -> Control:
    try:
        return selectors.control_detail(control_id)
    except Control.DoesNotExist:
        from django.http import Http404

        raise Http404("No such control.") from None


@org_view("records.view")
def control_detail(request: HttpRequest, control_id: str) -> HttpResponse:
    control = _control(control_id)
    return render(request, "controls/records_detail.html", _detail_context(request, control))


def _after_save(
    request: HttpRequest, control: Control, part: str, message: str = "", **forms: Any
) -> HttpResponse:
    """The decision or implementation section: in place with htmx (saved message or the form
    with its errors), else the page again (errors) or a redirect to it (saved)."""
    template = f"controls/_records_{part}.html"
    if message:
        return inplace.saved(
            request,
            message,
            template=template,
            context=lambda: _detail_context(request, _control(control.pk)),
            redirect_to=reverse(
                "core:controls:control_detail",
                args=[request.org_access.organisation.slug, control.pk],
            ),
        )
    context = _detail_context(request, control, **forms)
    if request.htmx:
        return inplace.section(request, template, context)
    return render(request, "controls/records_detail.html", context)


@org_view("controls.change")
@require_POST
def control_decide(request: HttpRequest, control_id: str) -> HttpResponse:
    control = get_object_or_404(Control, pk=control_id)
    form = DecisionForm(request.POST, control=control)
    if form.is_valid():
        try:
            svc.update_control(
                control, form.service_data(), user=request.user, role=request.org_access.role
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return _after_save(request, control, "decision", f"Decision on {control.ref} saved.")
    return _after_save(request, _control(control.pk), "decision", decision_form=form)


@org_view("controls.implement")
@require_POST
def control_implement(request: HttpRequest, control_id: str) -> HttpResponse:
    control = get_object_or_404(Control, pk=control_id)
    access = request.org_access
    if not svc.may_implement(control, request.user, access.role):
        raise PermissionDenied("Only the control's owner or an ISMS manager may change it.")
    may_owner = access.can("controls.change")
    form = ImplementationForm(request.POST, control=control, may_change_owner=may_owner)
    if form.is_valid():
        try:
            svc.update_control(control, form.service_data(), user=request.user, role=access.role)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            message = f"Implementation of {control.ref} saved."
            return _after_save(request, control, "implementation", message)
    return _after_save(request, _control(control.pk), "implementation", implementation_form=form)
