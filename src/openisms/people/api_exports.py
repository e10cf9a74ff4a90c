"""API: the competence and training records (7.2) as a file — XLSX with two sheets under a
header block, or CSV as one table. Same permission as the page download: ``records.export``.
(No ``from __future__ import annotations``: ninja reads the annotations at import time.)"""

from typing import Literal

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from openisms.api.auth import org_route
from openisms.api.common import ERRORS
from openisms.core import register_exports as rx

router = Router()


@router.get(
    "/export/competence",
    response=ERRORS,
    summary="Download the competence and training records as XLSX or CSV",
    description=(
        "Competences held (person, competence, source: recorded or course, obtained, expires, "
        "status, evidence) and training records (person, course, campaign, assigned, due, "
        "completed, score, status, confirmation). Needs `records.export`."
    ),
    openapi_extra=rx.api_file_response("The competence and training records as a file."),
)
@org_route(rx.EXPORT_ACTION)
def export_competence(
    request: HttpRequest,
    format: Literal["xlsx", "csv"] = Query("xlsx", description="xlsx or csv"),
) -> HttpResponse:
    return rx.response("competence", format)
