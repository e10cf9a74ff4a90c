"""The record kit: a record type is a declaration on shared mechanisms (the NetBox pattern).

A domain app declares a :class:`RecordType` — its model, form, list selector and filters,
permissions (actions of ``core.permissions``), services (create / update / delete) and API
schemas — and gets from the kit:

- pages (``core.records.views``): list with search, filters, pagination and htmx row updates;
  detail; create and edit with in-place feedback (htmx: errors next to the fields, the saved
  message and the updated form in place); the one delete confirmation (soft delete, restorable
  from Recently deleted: ``core.softdelete``);
- URL patterns under the type's existing names (``urls()``), the register export route when
  the type names a ``core.register_exports`` kind;
- API routes (``core.records.api``): list, get, create, patch, delete, with an ``ETag`` on
  every answer about one record and ``If-Match`` honoured on PATCH (412 when stale);
- the audit trail (the model is an ``AuditedModel``; services write) and an ``inbox`` hook.

Types keep their own templates where their pages say more than a table (the kit passes the
record under ``context_name`` and as ``object``); the generic ones in
``core/templates/core/records/`` serve the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.http import HttpRequest

Context = dict[str, Any]


def _cleaned(form: Any) -> dict[str, Any]:
    service_data = getattr(form, "service_data", None)
    return service_data() if callable(service_data) else dict(form.cleaned_data)


@dataclass
class RecordType:
    model: type[models.Model]
    name: str  # singular, in messages and URL names ("issue" → issue_detail, issue_edit, …)
    list_name: str  # URL name and path of the list ("issues")
    id_kwarg: str  # URL keyword of the record id ("issue_id")
    namespace: str  # URL namespace ("core:context")
    label: str = ""  # in words, when not ``name`` ("interested party")
    title: str = ""  # heading of the list page; default: list_name capitalised
    # permissions: actions of core.permissions
    view_action: str = "records.view"
    change_action: str = "records.change"
    delete_action: str | None = None  # default: change_action
    # services: every write goes through them (validation, audit)
    create: Callable[[dict[str, Any], HttpRequest], Any] | None = None
    update: Callable[[Any, dict[str, Any]], Any] | None = None
    delete: Callable[[Any], None] | None = None
    # reads
    selector: Callable[[dict[str, str]], Any] | None = None  # filtered list queryset
    filters: tuple[str, ...] = ("q",)
    paginate: bool = True  # False: the whole (short) list as ``items``, e.g. a plan
    detail_queryset: Callable[[], Any] | None = None
    # pages
    form: type | None = None
    form_data: Callable[[Any], dict[str, Any]] = _cleaned
    form_initial: Callable[[], dict[str, Any]] | None = None
    list_template: str = "core/records/list.html"
    rows_template: str = "core/records/_rows.html"
    detail_template: str | None = "core/records/detail.html"  # None: no detail page
    form_template: str = "core/records/form.html"
    context_name: str = "object"
    list_context: Callable[[HttpRequest, Context], Context] | None = None
    detail_context: Callable[[HttpRequest, Any], Context] | None = None
    columns: tuple[tuple[str, str], ...] = ()  # generic list: (label, attribute)
    saved_message: Callable[[Any], str] = lambda obj: f"{obj} saved."
    after_save: str = "detail"  # or "list"
    delete_consequence: str = ""
    path: str = ""  # URL path segment of the list ("issues"); default list_name
    export: str | None = None  # a core.register_exports kind
    # API (core.records.api)
    api_path: str = ""
    api_out: type | None = None
    api_in: type | None = None
    api_patch: type | None = None
    api_filters: type | None = None
    api_page: type | None = None  # the list's schema when it adds to page_of(api_out)
    api_list_extra: Callable[[Any], dict[str, Any]] | None = None  # e.g. totals of the list
    to_out: Callable[[Any], dict[str, Any]] | None = None
    api_queryset: Callable[[dict[str, Any]], Any] | None = None
    patch_data: Callable[[Any], dict[str, Any]] | None = None
    api_create: Callable[[dict[str, Any], HttpRequest], Any] | None = None
    # "Waiting for me": a provider of core.inbox, when the type has something to sign or do.
    inbox: Any = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def what(self) -> str:
        return self.label or self.name

    @property
    def can_delete(self) -> str:
        return self.delete_action or self.change_action

    def url_name(self, suffix: str) -> str:
        return f"{self.namespace}:{self.name}_{suffix}"

    @property
    def list_url_name(self) -> str:
        return f"{self.namespace}:{self.list_name}"

    # URL names for templates ({% url rt.detail_url org.slug obj.pk %}).
    create_url = property(lambda self: self.url_name("create"))
    detail_url = property(lambda self: self.url_name("detail"))
    edit_url = property(lambda self: self.url_name("edit"))
    delete_url = property(lambda self: self.url_name("delete"))
    export_url = property(lambda self: f"{self.namespace}:{self.path or self.list_name}_export")


REGISTRY: dict[str, RecordType] = {}


def register(rt: RecordType) -> RecordType:
    """Declare a record type (once, at import of the app's ``records`` module)."""
    REGISTRY[rt.model._meta.label_lower] = rt
    return rt
