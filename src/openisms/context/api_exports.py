"""API: the context registers as files — issues (4.1), interested parties (4.2) and the
requirements register (4.2 c) — as XLSX (with a header block) or CSV. Same permission as the
page downloads: ``records.export``. (No ``from __future__ import annotations``: ninja reads the
annotations at import time.)"""

from typing import Literal

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from openisms.api.auth import org_route
from openisms.api.common import ERRORS
from openisms.core import register_exports as rx

router = Router()
FORMAT = Query("xlsx", description="xlsx (with a header block) or csv (UTF-8 with BOM)")


@router.get(
    "/export/issues",
    response=ERRORS,
    summary="Download the issues as XLSX or CSV",
    description=(
        "One row per issue: reference, title, internal/external, category, description, effect "
        "on the ISMS, linked risks, status. Needs `records.export`."
    ),
    openapi_extra=rx.api_file_response("The issues as a file."),
)
@org_route(rx.EXPORT_ACTION)
def export_issues(request: HttpRequest, format: Literal["xlsx", "csv"] = FORMAT) -> HttpResponse:
    return rx.response("issues", format)


@router.get(
    "/export/interested-parties",
    response=ERRORS,
    summary="Download the interested parties as XLSX or CSV",
    description=(
        "One row per interested party: name, kind, internal/external, description, needs and "
        "expectations, the requirements of the register linked to it. Needs `records.export`."
    ),
    openapi_extra=rx.api_file_response("The interested parties as a file."),
)
@org_route(rx.EXPORT_ACTION)
def export_parties(request: HttpRequest, format: Literal["xlsx", "csv"] = FORMAT) -> HttpResponse:
    return rx.response("interested-parties", format)


@router.get(
    "/export/requirements",
    response=ERRORS,
    summary="Download the requirements register as XLSX or CSV",
    description=(
        "One row per requirement: reference, title, source, reference in the source, "
        "description, owner, interested parties, controls, how it is addressed, status. Needs "
        "`records.export`."
    ),
    openapi_extra=rx.api_file_response("The requirements register as a file."),
)
@org_route(rx.EXPORT_ACTION)
def export_requirements(
    request: HttpRequest, format: Literal["xlsx", "csv"] = FORMAT
) -> HttpResponse:
    return rx.response("requirements", format)
