"""Document control pages: the register, new documents (blank or from a template), a document
with its control block, text, versions and acknowledgements; its control data, review and
retirement."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from openisms.core.access import org_view
from openisms.core.dates import human_day
from openisms.core.forms import apply_errors
from openisms.core.views.pagination import paginate
from openisms.documents import policy_templates, selectors
from openisms.documents.forms import (
    DocumentForm,
    PublishForm,
    RequestAckForm,
    ReviewedForm,
    TemplateForm,
)
from openisms.documents.markdown import render_markdown
from openisms.documents.models import (
    Document,
    DocumentKind,
    DocumentStatus,
    DocumentVersion,
    VersionStatus,
)
from openisms.documents.services import documents as svc
from openisms.documents.services.versions import approval_of
from openisms.people.identity import owner_choices, person_for


def _filters(request: HttpRequest) -> dict[str, str]:
    return {k: request.GET.get(k, "").strip()[:100] for k in selectors.FILTERS}


@org_view("records.view")
def register(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    page = paginate(request, selectors.register(filters))
    access = request.org_access
    context: dict[str, Any] = {
        "page": page,
        "filters": filters,
        "today": timezone.localdate(),
        "register_empty": not page.object_list and not Document.objects.exists(),
        "can_create": access.can("documents.create"),
    }
    if request.htmx:
        return render(request, "documents/_register_rows.html", context)
    context.update(
        {
            "kinds": DocumentKind.choices,
            "statuses": DocumentStatus.choices,
            "owners": owner_choices(ensure=False),
        }
    )
    return render(request, "documents/register.html", context)


def _templates() -> list[dict[str, Any]]:
    """The picker's rows, each with the documents already started from that template."""
    used: dict[str, list[str]] = {}
    for key, ref in (
        Document.objects.exclude(template_key="").order_by("ref").values_list("template_key", "ref")
    ):
        used.setdefault(key, []).append(ref)
    return [
        {
            "t": t,
            "kind_label": DocumentKind(t.kind).label if t.kind in DocumentKind.values else "",
            "used": used.get(t.key, []),
        }
        for t in policy_templates.all_templates()
    ]


@org_view("documents.create")
def create(request: HttpRequest) -> HttpResponse:
    slug = request.org_access.organisation.slug
    me = person_for(request.user)
    form = DocumentForm(request.POST or None, initial={"owner": me.pk if me else None})
    if request.method == "POST" and form.is_valid():
        try:
            document = svc.create_document(form.service_data(), user=request.user)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"{document.ref} {document.title} created as draft v1.")
            return redirect("core:documents:detail", slug, document.pk)
    return render(
        request,
        "documents/new.html",
        {"form": form, "templates": _templates(), "template_form": TemplateForm()},
    )


@org_view("documents.create")
@require_POST
def create_from_template(request: HttpRequest) -> HttpResponse:
    slug = request.org_access.organisation.slug
    form = TemplateForm(request.POST)
    if form.is_valid():
        try:
            document = svc.create_from_template(
                form.cleaned_data["template"], request.user, user=request.user
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                f"{document.ref} {document.title} created from the template as draft v1: "
                "review the text, then send it for approval.",
            )
            return redirect("core:documents:detail", slug, document.pk)
    else:
        messages.error(request, "Choose one of the listed templates.")
    return redirect("core:documents:create", slug)


def _document(document_id: Any) -> Document:
    return get_object_or_404(
        Document.objects.select_related(
            "owner", "reviewer", "approver", "classification", "published_version",
            "latest_version__author",
        ),
        pk=document_id,
    )  # fmt: skip


def decision_context(version: DocumentVersion | None, request: HttpRequest) -> dict[str, Any]:
    """What the current user may do with a version in review, and why not."""
    access = request.org_access
    if version is None or version.status != VersionStatus.IN_REVIEW:
        return {"can_decide": False, "decide_blocked": ""}
    if not access.can("documents.approve"):
        return {"can_decide": False, "decide_blocked": ""}
    designated = version.document.approver_id
    if designated and designated != request.user.pk:
        return {
            "can_decide": False,
            "decide_blocked": f"Only the designated approver "
            f"({version.document.approver.get_username()}) may approve this document.",
        }
    if request.user.pk in version.approval_authors():
        return {
            "can_decide": False,
            "decide_blocked": "You wrote or changed this version, so another approver must "
            "decide on it (segregation of duties).",
        }
    return {"can_decide": True, "decide_blocked": ""}


@org_view("records.view")
def detail(request: HttpRequest, document_id: str) -> HttpResponse:
    document = _document(document_id)
    access = request.org_access
    shown = document.published_version or document.latest_version
    latest = document.latest_version
    if shown is not None:
        shown.document = document
    if latest is not None:
        latest.document = document
    retired = document.status == DocumentStatus.RETIRED
    context: dict[str, Any] = {
        "document": document,
        "shown": shown,
        "latest": latest,
        "work_in_progress": latest if latest and shown and latest.pk != shown.pk else None,
        "content": render_markdown(shown.content) if shown else "",
        "versions": selectors.versions(document),
        "controls": document.controls.order_by("order", "ref"),
        "distribution_count": document.distribution.count(),
        "distribution": document.distribution.order_by("full_name")[:20],
        "overdue": selectors.is_overdue(document),
        "progress": selectors.ack_progress(document.published_version),
        "last_review": selectors.last_review(document) if document.published_version else None,
        "approval": approval_of(latest) if latest else None,
        "retired": retired,
        "can_change": access.can("documents.change") and not retired,
        "can_publish": access.can("documents.publish") and not retired,
        "can_request_ack": access.can("documents.request_ack") and not retired,
        "can_review": not retired
        and document.published_version_id is not None
        and svc.may_review(document, request.user, access.role),
        "can_audit": access.can("audit_trail.view"),
        # Several small forms share the page: distinct ids keep each label on its own field.
        "publish_form": PublishForm(auto_id="publish-%s"),
        "request_form": RequestAckForm(auto_id="ask-%s"),
        "reviewed_form": ReviewedForm(auto_id="review-%s"),
        **decision_context(latest, request),
    }
    return render(request, "documents/detail.html", context)


@org_view("documents.change")
def edit(request: HttpRequest, document_id: str) -> HttpResponse:
    document = _document(document_id)
    slug = request.org_access.organisation.slug
    form = DocumentForm(request.POST or None, instance=document)
    if request.method == "POST" and form.is_valid():
        try:
            svc.update_document(document, form.service_data())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"{document.ref}: control data saved.")
            return redirect("core:documents:detail", slug, document.pk)
    return render(request, "documents/document_form.html", {"form": form, "document": document})


@org_view("documents.change")
@require_POST
def reviewed(request: HttpRequest, document_id: str) -> HttpResponse:
    document = _document(document_id)
    slug = request.org_access.organisation.slug
    form = ReviewedForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        svc.mark_reviewed(document, user=request.user, role=request.org_access.role, note=note)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            f"Review of {document.ref} recorded; next review {human_day(document.next_review)}.",
        )
    return redirect("core:documents:detail", slug, document.pk)


@org_view("documents.publish")
@require_POST
def retire(request: HttpRequest, document_id: str) -> HttpResponse:
    document = _document(document_id)
    slug = request.org_access.organisation.slug
    try:
        svc.retire(document)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{document.ref} retired.")
    return redirect("core:documents:detail", slug, document.pk)
