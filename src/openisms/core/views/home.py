"""Landing, organisation list and switcher, dashboard and the per-clause section pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from openisms.catalogue.models import Requirement
from openisms.core import dashboard as panels
from openisms.core import getting_started, inbox, navigation
from openisms.core.access import SESSION_ORG_KEY, find_access, org_view, user_memberships
from openisms.core.audit_trail import entries
from openisms.core.audit_words import describe_all
from openisms.core.forms import OrganisationForm, apply_errors
from openisms.core.models import Approval, Membership
from openisms.core.services.organisations import create_organisation

# The dashboard shows the first few items waiting for the person; the page has them all.
DASHBOARD_INBOX_ITEMS = 6


@login_required
def home(request: HttpRequest) -> HttpResponse:
    slug = request.session.get(SESSION_ORG_KEY)
    if slug and find_access(request.user, slug):
        return redirect("core:dashboard", slug)
    memberships = user_memberships(request.user)
    if len(memberships) == 1:
        return redirect("core:dashboard", memberships[0].organisation.slug)
    return redirect("organisations")


@login_required
def organisations(request: HttpRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None)
    if request.method == "POST":
        if not request.user.is_superuser:
            raise PermissionDenied("Only an install administrator may create organisations.")
        if form.is_valid():
            try:
                org = create_organisation(
                    form.cleaned_data["slug"], form.cleaned_data["name"], owner=request.user
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"Organisation “{org.name}” created; you are its owner.")
                return redirect("core:dashboard", org.slug)
    return render(
        request,
        "core/organisations.html",
        {"memberships": user_memberships(request.user), "form": form},
    )


@login_required
@require_POST
def switch(request: HttpRequest) -> HttpResponse:
    slug = request.POST.get("org", "")
    if find_access(request.user, slug) is None:
        raise Http404("Organisation not found.")
    request.session[SESSION_ORG_KEY] = slug
    return redirect("core:dashboard", slug)


@org_view("org.view")
def dashboard(request: HttpRequest) -> HttpResponse:
    access = request.org_access
    org = access.organisation
    context = {
        "membership_count": Membership.objects.active().filter(organisation=org).count(),
        "approval_count": Approval.objects.count(),
        "control_count": Requirement.objects.filter(
            framework__slug="iso27001-2022", kind="control"
        ).count(),
        "memberships": user_memberships(request.user),
        "recent": (
            describe_all(entries().select_related("actor")[:8])
            if access.can("audit_trail.view")
            else None
        ),
        "sections": navigation.SECTIONS,
        "panels": panels.panels_for(access),
        "getting_started": getting_started.path_for(access),
    }
    waiting = inbox.items_for(request)
    context["inbox_total"] = inbox.total(waiting)
    context["inbox_items"] = inbox.flat(waiting)[:DASHBOARD_INBOX_ITEMS]
    return render(request, "core/dashboard.html", context)


@org_view("org.view")
def section(request: HttpRequest, key: str) -> HttpResponse:
    sec = navigation.section(key)
    if sec is None:
        raise Http404("No such section.")
    clauses = []
    if sec.clauses:
        reqs = Requirement.objects.filter(framework__slug="iso27001-2022", kind="clause")
        clauses = [
            r
            for r in reqs.order_by("order")
            if any(r.ref == c or r.ref.startswith(c + ".") for c in sec.clauses)
        ]
    return render(request, "core/section.html", {"section": sec, "clauses": clauses})
