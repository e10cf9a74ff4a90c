"""Pages of a record type, built from its declaration (see ``core.records``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django_htmx.http import HttpResponseClientRedirect

from openisms.core.access import org_view
from openisms.core.forms import apply_errors
from openisms.core.records import RecordType
from openisms.core.views.deleted import confirm_delete
from openisms.core.views.pagination import paginate

View = Callable[..., HttpResponse]


def _can(request: HttpRequest, rt: RecordType) -> dict[str, bool]:
    access = request.org_access
    return {
        "can_change": access.can(rt.change_action),
        "can_delete": access.can(rt.can_delete),
        "can_export": bool(rt.export) and access.can("records.export"),
        "can_audit": access.can("audit_trail.view"),
    }


def list_view(rt: RecordType) -> View:
    @org_view(rt.view_action)
    def view(request: HttpRequest) -> HttpResponse:
        filters = {k: request.GET.get(k, "").strip()[:100] for k in rt.filters}
        queryset = rt.selector(filters)
        page = paginate(request, queryset) if rt.paginate else None
        items = page.object_list if page is not None else list(queryset)
        context: dict[str, Any] = {
            "rt": rt,
            "page": page,
            "items": items,
            "filters": filters,
            "queryset": queryset,
            # Only worth a query when the filtered list is empty: is there anything at all?
            "none_yet": not items and not rt.model.objects.exists(),
            **_can(request, rt),
        }
        if rt.list_context:
            context.update(rt.list_context(request, context))
        if request.htmx:
            return render(request, rt.rows_template, context)  # the rows, in place
        return render(request, rt.list_template, context)

    return view


def _get(rt: RecordType, record_id: Any) -> Any:
    queryset = rt.detail_queryset() if rt.detail_queryset else rt.model.objects.all()
    return get_object_or_404(queryset, pk=record_id)


def detail_view(rt: RecordType) -> View:
    @org_view(rt.view_action)
    def view(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        obj = _get(rt, kwargs[rt.id_kwarg])
        context = {"rt": rt, "object": obj, rt.context_name: obj, **_can(request, rt)}
        if rt.detail_context:
            context.update(rt.detail_context(request, obj))
        return render(request, rt.detail_template, context)

    return view


def _after_save(request: HttpRequest, rt: RecordType, obj: Any) -> str:
    slug = request.org_access.organisation.slug
    if rt.after_save == "detail" and rt.detail_template:
        return reverse(rt.url_name("detail"), args=[slug, obj.pk])
    return reverse(rt.list_url_name, args=[slug])


def _save(request: HttpRequest, rt: RecordType, obj: Any) -> HttpResponse:
    extra = {"initial": rt.form_initial()} if obj is None and rt.form_initial else {}
    form = rt.form(request.POST or None, instance=obj, **extra)
    saved_message = ""
    if request.method == "POST" and form.is_valid():
        try:
            data = rt.form_data(form)
            saved = rt.create(data, request) if obj is None else rt.update(obj, data)
        except ValidationError as exc:
            apply_errors(form, exc)  # next to the fields they concern
        else:
            if not request.htmx or obj is None:
                messages.success(request, rt.saved_message(saved))
                url = _after_save(request, rt, saved)
                return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
            # Edited in place: the message and the form as saved, where the user acted.
            saved_message, obj = rt.saved_message(saved), saved
            form = rt.form(instance=saved)
    context = {
        "rt": rt,
        "form": form,
        "object": obj,
        rt.context_name: obj,
        "saved_message": saved_message,
        **_can(request, rt),
    }
    template = "core/records/_form.html" if request.htmx else rt.form_template
    return render(request, template, context)


def create_view(rt: RecordType) -> View:
    @org_view(rt.change_action)
    def view(request: HttpRequest) -> HttpResponse:
        return _save(request, rt, None)

    return view


def edit_view(rt: RecordType) -> View:
    @org_view(rt.change_action)
    def view(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return _save(request, rt, _get(rt, kwargs[rt.id_kwarg]))

    return view


def delete_view(rt: RecordType) -> View:
    @org_view(rt.can_delete)
    def view(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        obj = _get(rt, kwargs[rt.id_kwarg])
        slug = request.org_access.organisation.slug
        listing = reverse(rt.list_url_name, args=[slug])
        back = (
            reverse(rt.url_name("detail"), args=[slug, obj.pk]) if rt.detail_template else listing
        )
        return confirm_delete(
            request, obj, delete=rt.delete, done_url=listing, back_url=back, what=rt.what,
            consequence=rt.delete_consequence,
        )  # fmt: skip

    return view


def urls(rt: RecordType) -> list[Any]:
    """The type's URL patterns, under the names its templates and tests already use."""
    base = rt.path or rt.list_name
    one = f"{base}/<uuid:{rt.id_kwarg}>"
    patterns = [
        path(f"{base}/", list_view(rt), name=rt.list_name),
        path(f"{base}/new/", create_view(rt), name=f"{rt.name}_create"),
    ]
    if rt.export:
        from openisms.core.register_exports import export_view

        patterns.append(
            path(f"{base}/export.<slug:fmt>", export_view(rt.export), name=f"{base}_export")
        )
    if rt.detail_template:
        patterns.append(path(f"{one}/", detail_view(rt), name=f"{rt.name}_detail"))
    patterns += [
        path(f"{one}/edit/", edit_view(rt), name=f"{rt.name}_edit"),
        path(f"{one}/delete/", delete_view(rt), name=f"{rt.name}_delete"),
    ]
    return patterns
