"""API: the RACI matrix (5.3) as a file, XLSX with a header block (organisation, revision, last
change, generated at) or CSV. Same permission as the page download: ``records.export``. (No
``from __future__ import annotations``: ninja reads the annotations at import time.)"""

from typing import Literal

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from openisms.api.auth import org_route
from openisms.api.common import ERRORS
from openisms.core import register_exports as rx

router = Router()


@router.get(
    "/export/raci",
    response=ERRORS,
    summary="Download the RACI matrix as XLSX or CSV",
    description=(
        "Processes × ISMS roles with their R/A/C/I letters and the warnings of each row (no or "
        "several accountable, nobody responsible). Needs `records.export`."
    ),
    openapi_extra=rx.api_file_response("The RACI matrix as a file."),
)
@org_route(rx.EXPORT_ACTION)
def export_raci(
    request: HttpRequest,
    format: Literal["xlsx", "csv"] = Query("xlsx", description="xlsx or csv"),
) -> HttpResponse:
    return rx.response("raci", format)
