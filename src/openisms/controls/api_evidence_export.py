"""API: the evidence register as XLSX (with a header block) or CSV. Same permission as the page
download: ``records.export``. (No ``from __future__ import annotations``: ninja reads the
annotations at import time.)"""

from typing import Literal

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from openisms.api.auth import org_route
from openisms.api.common import ERRORS
from openisms.controls.evidence_exports import KIND
from openisms.core import register_exports as rx

router = Router()


@router.get(
    "/export/evidence",
    response=ERRORS,
    summary="Download the evidence register as XLSX or CSV",
    description=(
        "One row per evidence item: reference, title, kind, owner, collected, valid until, "
        "expired, SHA-256 of the file (empty for links and notes), file name or address, "
        "controls and risks. The SoA's evidence references resolve to these rows. Needs "
        "`records.export`."
    ),
    openapi_extra=rx.api_file_response("The evidence register as a file."),
)
@org_route(rx.EXPORT_ACTION)
def export_evidence(
    request: HttpRequest,
    format: Literal["xlsx", "csv"] = Query(
        "xlsx", description="xlsx (with a header block) or csv (UTF-8 with BOM)"
    ),
) -> HttpResponse:
    return rx.response(KIND, format)
