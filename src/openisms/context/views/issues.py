"""Internal and external issues (4.1)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from openisms.context import selectors
from openisms.context.forms import IssueForm
from openisms.context.models import ContextIssue, IssueCategory, IssueKind
from openisms.context.services import issues as svc
from openisms.context.views.common import confirm_delete, read_filters
from openisms.core.access import org_view
from openisms.core.forms import apply_errors
from openisms.core.views.pagination import paginate


@org_view("records.view")
def issue_list(request: HttpRequest) -> HttpResponse:
    filters = read_filters(request, selectors.ISSUE_FILTERS)
    page = paginate(request, selectors.issues(filters))
    context = {
        "page": page,
        "filters": filters,
        # Only worth a query when the filtered list is empty: is there anything at all?
        "none_yet": not page.object_list and not ContextIssue.objects.exists(),
        "can_change": request.org_access.can("context.change"),
        "can_export": request.org_access.can("records.export"),
    }
    if request.htmx:
        return render(request, "context/_issue_rows.html", context)
    context.update({"kinds": IssueKind.choices, "categories": IssueCategory.choices})
    return render(request, "context/issues.html", context)


@org_view("records.view")
def issue_detail(request: HttpRequest, issue_id: str) -> HttpResponse:
    issue = get_object_or_404(ContextIssue, pk=issue_id)
    access = request.org_access
    return render(
        request,
        "context/issue_detail.html",
        {
            "issue": issue,
            "risks": issue.risks.select_related("owner").order_by("ref"),
            "can_change": access.can("context.change"),
            "can_audit": access.can("audit_trail.view"),
        },
    )


def _save(request: HttpRequest, issue: ContextIssue | None) -> HttpResponse:
    form = IssueForm(request.POST or None, instance=issue)
    if request.method == "POST" and form.is_valid():
        try:
            if issue is None:
                saved = svc.create_issue(form.service_data())
            else:
                saved = svc.update_issue(issue, form.service_data())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"{saved.ref} {saved.title} saved.")
            return redirect(
                "core:context:issue_detail", request.org_access.organisation.slug, saved.pk
            )
    return render(request, "context/issue_form.html", {"form": form, "issue": issue})


@org_view("context.change")
def issue_create(request: HttpRequest) -> HttpResponse:
    return _save(request, None)


@org_view("context.change")
def issue_edit(request: HttpRequest, issue_id: str) -> HttpResponse:
    return _save(request, get_object_or_404(ContextIssue, pk=issue_id))


@org_view("context.change")
def issue_delete(request: HttpRequest, issue_id: str) -> HttpResponse:
    issue = get_object_or_404(ContextIssue, pk=issue_id)
    slug = request.org_access.organisation.slug
    return confirm_delete(
        request, issue, what="issue", delete=svc.delete_issue,
        done_url=reverse("core:context:issues", args=[slug]),
        back_url=reverse("core:context:issue_detail", args=[slug, issue.pk]),
        consequence="Its links to risks go with it; the risks stay. If the issue simply no "
        "longer applies, you can mark it inactive instead.",
    )  # fmt: skip
