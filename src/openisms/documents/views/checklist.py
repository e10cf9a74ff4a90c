"""The mandatory documented information checklist page, and linking documents to its items."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from openisms.core import inplace
from openisms.core.access import org_view
from openisms.core.forms import apply_errors
from openisms.documents import checklist
from openisms.documents.models import Document

# Above this many documents the link form asks for a reference instead of offering a list.
SELECT_LIMIT = 300


class LinkForm(forms.Form):
    document = forms.CharField(required=False, max_length=36, label="Document")
    ref = forms.CharField(
        required=False, max_length=20, label="Document reference",
        help_text="e.g. DOC-0042",
    )  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("document") and not data.get("ref"):
            raise ValidationError("Choose the document to link.")
        return data

    def chosen(self) -> Document:
        """The organisation's document the person chose (scoped: nobody else's is found)."""
        data = self.cleaned_data
        try:
            if data.get("document"):
                return Document.objects.get(pk=uuid.UUID(data["document"]))
            return Document.objects.get(ref__iexact=data["ref"].strip())
        except (Document.DoesNotExist, ValueError):
            raise ValidationError(
                {"document": "There is no such document in this organisation."}
            ) from None


def _item_or_404(item_key: str) -> checklist.Item:
    item = checklist.get_item(item_key)
    if item is None:
        raise Http404("No such checklist item.")
    return item


def _form_context(item: checklist.Item, form: LinkForm) -> dict[str, Any]:
    documents = checklist.linkable_documents(SELECT_LIMIT)
    return {
        "item": item,
        "form": form,
        "documents": documents[:SELECT_LIMIT],
        "use_select": len(documents) <= SELECT_LIMIT,
    }


def _page(
    request: HttpRequest,
    open_item: checklist.Item | None = None,
    form: LinkForm | None = None,
    message: str = "",
) -> HttpResponse:
    results = checklist.evaluate()
    counts = checklist.summary(results)
    slug = request.org_access.organisation.slug
    access = request.org_access
    for r in results:
        # A "what to do" link only for a role that may follow it (no link to a 403 page).
        r.todo_allowed = bool(r.todo_url) and access.can(r.todo_action)
        # One reverse() per item, not per linked document.
        base = reverse("core:documents:checklist_unlink", args=[slug, r.key, checklist.URL_MARKER])
        marker = str(checklist.URL_MARKER)
        r.link_rows = [(ld, base.replace(marker, str(ld.document_id))) for ld in r.links]
    context: dict[str, Any] = {
        "groups": checklist.grouped(results),
        "counts": counts,
        # The SVG holds numbers and fixed words only.
        "bar": mark_safe(checklist.summary_bar(counts)),  # noqa: S308
        "can_link": request.org_access.can("documents.change"),
        "open_key": open_item.key if open_item else "",
        # htmx swaps #checklist only: the result of a link or unlink is shown inside it.
        "inplace": inplace.InPlace(message) if message else None,
    }
    if open_item is not None:
        context["link"] = _form_context(open_item, form or LinkForm())
    return render(request, "documents/checklist.html", context)


@org_view("records.view")
def checklist_page(request: HttpRequest) -> HttpResponse:
    return _page(request)


@org_view("documents.change")
def checklist_link(request: HttpRequest, item_key: str) -> HttpResponse:
    """GET: the link form (inline with htmx, or the page with that row open); POST: link."""
    item = _item_or_404(item_key)
    slug = request.org_access.organisation.slug
    if request.method != "POST":
        if request.htmx:
            context = _form_context(item, LinkForm())
            return render(request, "documents/checklist_link_form.html", {"link": context})
        return _page(request, item)
    form = LinkForm(request.POST)
    if form.is_valid():
        try:
            document = form.chosen()
            _, created = checklist.link_document(item.key, document)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            verb = "now counts" if created else "already counted"
            message = f"{document.ref} {verb} for “{item.title}”."
            if request.htmx:
                return _page(request, message=message)
            messages.success(request, message)
            return redirect(reverse("core:documents:checklist", args=[slug]) + f"#item-{item.key}")
    return _page(request, item, form)


@org_view("documents.change")
@require_POST
def checklist_unlink(request: HttpRequest, item_key: str, document_id: uuid.UUID) -> HttpResponse:
    item = _item_or_404(item_key)
    document = get_object_or_404(Document, pk=document_id)
    if not checklist.unlink_document(item.key, document):
        raise Http404("That document is not linked to this item.")
    message = f"{document.ref} no longer counts for “{item.title}”."
    if request.htmx:
        return _page(request, message=message)
    messages.success(request, message)
    slug = request.org_access.organisation.slug
    return redirect(reverse("core:documents:checklist", args=[slug]) + f"#item-{item.key}")
