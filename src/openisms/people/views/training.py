"""Training and awareness (7.2, 7.3): the overview, courses and campaigns with their progress."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from openisms.core.access import org_view
from openisms.core.forms import apply_errors
from openisms.core.views.deleted import confirm_delete
from openisms.core.views.pagination import paginate
from openisms.people import selectors
from openisms.people.forms import CampaignForm, CompletionForm, CourseForm
from openisms.people.models import AssignmentStatus, Campaign, CampaignStatus, Course
from openisms.people.services import training as svc
from openisms.people.views.common import can, filters_from


def _courses() -> Any:
    return Course.objects.annotate(
        n_assigned=Count("assignments", filter=Q(assignments__status=AssignmentStatus.ASSIGNED)),
        n_completed=Count("assignments", filter=Q(assignments__status=AssignmentStatus.COMPLETED)),
        n_failed=Count("assignments", filter=Q(assignments__status=AssignmentStatus.FAILED)),
    ).order_by("-is_active", "title")


@org_view("records.view")
def overview(request: HttpRequest) -> HttpResponse:
    rows = [(c, selectors.progress_of(c)) for c in selectors.campaigns()]
    return render(
        request,
        "people/training.html",
        {
            "campaigns": rows,
            "courses": _courses(),
            "overdue": selectors.overdue_count(),
            "can": can(request),
        },
    )


# --- courses ------------------------------------------------------------------------------


def _save_course(request: HttpRequest, course: Course | None) -> HttpResponse:
    form = CourseForm(request.POST or None, instance=course)
    if request.method == "POST" and form.is_valid():
        try:
            if course is None:
                saved = svc.create_course(form.service_data())
            else:
                saved = svc.update_course(course, form.service_data())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Course “{saved.title}” saved.")
            return redirect(
                "core:people:course_detail", request.org_access.organisation.slug, saved.pk
            )
    return render(request, "people/course_form.html", {"form": form, "course": course})


@org_view("people.change")
def course_create(request: HttpRequest) -> HttpResponse:
    return _save_course(request, None)


@org_view("people.change")
def course_edit(request: HttpRequest, course_id: uuid.UUID) -> HttpResponse:
    return _save_course(request, get_object_or_404(Course, pk=course_id))


@org_view("records.view")
def course_detail(request: HttpRequest, course_id: uuid.UUID) -> HttpResponse:
    course = get_object_or_404(_courses(), pk=course_id)
    campaigns = selectors.campaigns().filter(course=course)
    return render(
        request,
        "people/course_detail.html",
        {
            "course": course,
            "competences": list(course.competences.order_by("name")),
            "campaigns": [(c, selectors.progress_of(c)) for c in campaigns],
            "can": can(request),
            "can_audit": request.org_access.can("audit_trail.view"),
        },
    )


@org_view("people.change")
def course_delete(request: HttpRequest, course_id: uuid.UUID) -> HttpResponse:
    slug = request.org_access.organisation.slug
    course = get_object_or_404(Course, pk=course_id)
    return confirm_delete(
        request, course, what="course", delete=svc.delete_course,
        done_url=reverse("core:people:training", args=[slug]),
        back_url=reverse("core:people:course_detail", args=[slug, course.pk]),
    )  # fmt: skip


# --- campaigns ----------------------------------------------------------------------------


def _save_campaign(request: HttpRequest, campaign: Campaign | None) -> HttpResponse:
    initial = None
    if campaign is None and request.GET.get("course"):
        initial = {"course": request.GET["course"][:40]}
    form = CampaignForm(request.POST or None, instance=campaign, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if campaign is None:
                saved = svc.create_campaign(form.service_data())
            else:
                saved = svc.update_campaign(campaign, form.service_data())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Campaign “{saved.name}” saved.")
            return redirect(
                "core:people:campaign_detail", request.org_access.organisation.slug, saved.pk
            )
    return render(request, "people/campaign_form.html", {"form": form, "campaign": campaign})


@org_view("people.change")
def campaign_create(request: HttpRequest) -> HttpResponse:
    return _save_campaign(request, None)


@org_view("people.change")
def campaign_edit(request: HttpRequest, campaign_id: uuid.UUID) -> HttpResponse:
    return _save_campaign(request, get_object_or_404(Campaign, pk=campaign_id))


CAMPAIGN_FILTERS = ("status", "department", "q")


@org_view("records.view")
def campaign_detail(request: HttpRequest, campaign_id: uuid.UUID) -> HttpResponse:
    campaign = get_object_or_404(selectors.campaigns(), pk=campaign_id)
    progress = selectors.progress_of(campaign)
    context: dict[str, Any] = {"campaign": campaign, "progress": progress, "can": can(request)}
    if request.GET.get("part") == "progress":
        return render(request, "people/_campaign_progress.html", context)
    filters = filters_from(request, CAMPAIGN_FILTERS)
    wanted = {**filters, "campaign": str(campaign.pk)}
    if filters["status"] == "overdue":
        wanted.update(status="", overdue="1")
    context.update(
        {
            "filters": filters,
            "page": paginate(request, selectors.assignments(wanted)),
            "statuses": [*AssignmentStatus.choices, ("overdue", "Overdue")],
            "departments": selectors.departments(),
            "audience_people": list(campaign.audience_people.order_by("full_name")[:50]),
            "completion_form": CompletionForm(),
            "cols": "campaign",
        }
    )
    return render(request, "people/campaign_detail.html", context)


@org_view("people.change")
@require_POST
def campaign_launch(request: HttpRequest, campaign_id: uuid.UUID) -> HttpResponse:
    slug = request.org_access.organisation.slug
    campaign = get_object_or_404(Campaign, pk=campaign_id)
    was_draft = campaign.status == CampaignStatus.DRAFT
    try:
        created = svc.launch_campaign(campaign)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if was_draft:
            messages.success(
                request, f"Campaign launched: {created} assignment{'s' if created != 1 else ''}."
            )
        else:
            messages.success(request, f"{created} newcomer{'s' if created != 1 else ''} assigned.")
    return redirect("core:people:campaign_detail", slug, campaign_id)


@org_view("people.change")
@require_POST
def campaign_close(request: HttpRequest, campaign_id: uuid.UUID) -> HttpResponse:
    campaign = get_object_or_404(Campaign, pk=campaign_id)
    try:
        svc.close_campaign(campaign)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Campaign “{campaign.name}” closed.")
    return redirect(
        "core:people:campaign_detail", request.org_access.organisation.slug, campaign_id
    )


@org_view("people.change")
def campaign_delete(request: HttpRequest, campaign_id: uuid.UUID) -> HttpResponse:
    slug = request.org_access.organisation.slug
    campaign = get_object_or_404(Campaign, pk=campaign_id)
    return confirm_delete(
        request, campaign, what="campaign", delete=svc.delete_campaign,
        done_url=reverse("core:people:training", args=[slug]),
        back_url=reverse("core:people:campaign_detail", args=[slug, campaign.pk]),
    )  # fmt: skip
