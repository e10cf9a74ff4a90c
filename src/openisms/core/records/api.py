"""API routes of a record type (see ``core.records``): list, get, create, patch, delete.

Every answer about one record carries an ``ETag`` (a hash of the record as the API shows it);
a PATCH with ``If-Match`` is refused with 412 when the record changed since (lost-update
protection for scripts). No ``from __future__ import annotations`` here: django-ninja reads
the route signatures, whose schemas come from the declaration.
"""

import hashlib
import inspect
import json
import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status

from openisms.api.auth import org_route
from openisms.api.common import ERRORS, Error, PageParams, page_of, paginate
from openisms.api.shared import patch_data
from openisms.core.records import RecordType

STALE = {412: Error}


class Stale(Exception):
    """If-Match names another version of the record than the current one."""


def etag(out: dict[str, Any]) -> str:
    body = json.dumps(out, sort_keys=True, default=str, separators=(",", ":"))
    return '"' + hashlib.sha256(body.encode()).hexdigest()[:32] + '"'


def _tagged(response: HttpResponse, out: dict[str, Any]) -> dict[str, Any]:
    response["ETag"] = etag(out)
    return out


def add_routes(router: Router, rt: RecordType) -> None:
    """Add the five routes of ``rt`` to ``router`` under ``rt.api_path``."""
    base, one = rt.api_path, f"{rt.api_path}/{{{rt.id_kwarg}}}"
    label = rt.what
    filters_schema = rt.api_filters or PageParams

    def queryset(filters: dict[str, Any] | None = None) -> Any:
        return rt.api_queryset(filters or {})

    def out_of(record_id: Any) -> dict[str, Any]:
        return rt.to_out(get_object_or_404(queryset(), pk=record_id))

    def list_records(request: HttpRequest, filters: Query[filters_schema]):  # type: ignore[valid-type]
        qs = queryset(filters.model_dump(exclude={"limit", "offset"}))
        result = paginate(qs, filters)
        result["items"] = [rt.to_out(o) for o in result["items"]]
        if rt.api_list_extra:
            result.update(rt.api_list_extra(qs))
        return result

    def create_record(request: HttpRequest, payload: rt.api_in, response: HttpResponse):  # type: ignore[name-defined]
        create = rt.api_create or rt.create
        obj = create(payload.model_dump(), request)
        return Status(201, _tagged(response, out_of(obj.pk)))

    def get_record(request: HttpRequest, record_id: uuid.UUID, response: HttpResponse):
        return _tagged(response, out_of(record_id))

    def patch_record(
        request: HttpRequest,
        record_id: uuid.UUID,
        payload: rt.api_patch,
        response: HttpResponse,  # type: ignore[name-defined]
    ):
        obj = get_object_or_404(rt.model, pk=record_id)
        wanted = request.headers.get("If-Match")
        if wanted and wanted.strip() not in ("*", etag(out_of(record_id))):
            return Status(412, {"detail": f"The {label} changed since you read it: get it again."})
        data = rt.patch_data(payload) if rt.patch_data else patch_data(payload)
        rt.update(obj, data)
        return _tagged(response, out_of(obj.pk))

    def delete_record(request: HttpRequest, record_id: uuid.UUID):
        rt.delete(get_object_or_404(rt.model, pk=record_id))
        return Status(204, None)

    # The path names the id as the pages do ("issue_id"); the functions take "record_id".
    get_record, patch_record, delete_record = (
        _with_id_name(f, rt.id_kwarg) for f in (get_record, patch_record, delete_record)
    )
    ops = rt.name.replace(" ", "_")
    listing = rt.api_page or page_of(rt.api_out)
    router.get(base, response={200: listing, **ERRORS}, operation_id=f"list_{ops}s",
               summary=f"The {label} records, filterable")(
        org_route(rt.view_action)(list_records))  # fmt: skip
    router.post(base, response={201: rt.api_out, **ERRORS}, operation_id=f"create_{ops}")(
        org_route(rt.change_action)(create_record))  # fmt: skip
    router.get(one, response={200: rt.api_out, **ERRORS}, operation_id=f"get_{ops}")(
        org_route(rt.view_action)(get_record))  # fmt: skip
    router.patch(one, response={200: rt.api_out, **ERRORS, **STALE}, operation_id=f"change_{ops}",
                 summary=f"Change a {label}; If-Match with its ETag refuses a stale write (412)")(
        org_route(rt.change_action)(patch_record))  # fmt: skip
    router.delete(one, response={204: None, **ERRORS}, operation_id=f"delete_{ops}",
                  summary=f"Delete a {label} (restorable for 30 days: see /deleted)")(
        org_route(rt.can_delete)(delete_record))  # fmt: skip


def _with_id_name(func: Any, name: str) -> Any:
    """``func`` taking the path's id (``issue_id``) as its ``record_id`` argument."""
    signature = inspect.signature(func)
    params = [
        p.replace(name=name) if p.name == "record_id" else p for p in signature.parameters.values()
    ]

    def renamed(*args: Any, **kwargs: Any) -> Any:
        kwargs["record_id"] = kwargs.pop(name)
        return func(*args, **kwargs)

    renamed.__name__ = func.__name__
    renamed.__signature__ = signature.replace(parameters=params)
    return renamed
