"""API: downloads of document control — a version as DOCX or PDF, the register as XLSX.

Same rules as the pages: a published version needs ``records.view``; drafts, superseded
versions and the register need ``records.export``. The 200 answers are files, declared in the
OpenAPI document as binary bodies of their media types.
"""

import uuid
from typing import Literal

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Query, Router

from openisms.api.auth import org_route
from openisms.api.common import ERRORS
from openisms.core.exports import DOCX_TYPE, PDF_TYPE, XLSX_TYPE
from openisms.documents import exports
from openisms.documents.views.exports import attachment

router = Router()
MAX_VERSION = 2_147_483_647  # the column's range: a larger number is simply not a version
BINARY = {"type": "string", "format": "binary"}


def _file_response(description: str, *types: str) -> dict:
    return {
        "responses": {
            200: {
                "description": description,
                "headers": {
                    "Content-Disposition": {
                        "description": 'attachment; filename="DOC-0001-v2.pdf"',
                        "schema": {"type": "string"},
                    }
                },
                "content": {media: {"schema": BINARY} for media in types},
            }
        }
    }


@router.get(
    "/{document_id}/export",
    response=ERRORS,
    summary="Download a document version as DOCX or PDF",
    description=(
        "A control block (organisation, reference, version, status, owner, reviewer, approver "
        "and approval date, publication, classification, review cycle and next review, change "
        "summary), the content and the version history. Default version: the one in force, "
        "else the newest. A published version needs `records.view`; any other needs "
        "`records.export`."
    ),
    openapi_extra=_file_response("The document as a file.", DOCX_TYPE, PDF_TYPE),
)
@org_route("records.view")
def export_document(
    request: HttpRequest,
    document_id: uuid.UUID,
    format: Literal["docx", "pdf"] = Query("pdf"),
    version: int | None = Query(None, ge=1, le=MAX_VERSION, description="version number"),
) -> HttpResponse:
    document = get_object_or_404(exports.documents_for_export(), pk=document_id)
    try:
        chosen = exports.pick_version(document, version)
    except exports.ExportError as exc:
        raise Http404(str(exc))
    request.org_access.require(exports.required_action(chosen))
    content = exports.render_document(document, chosen, format)
    return attachment(content, exports.filename(document, chosen, format), format)


@router.get(
    "/register.xlsx",
    response=ERRORS,
    summary="Download the document register as XLSX",
    description=(
        "One row per document: reference, title, kind, status, version in force, owner, "
        "reviewer, approver, classification, review cycle, next review, whether the review is "
        "overdue, publication date, controls and acknowledgements of the version in "
        "force. Needs `records.export`."
    ),
    openapi_extra=_file_response("The register as a spreadsheet.", XLSX_TYPE),
)
@org_route("records.export")
def export_register(request: HttpRequest) -> HttpResponse:
    content, _ = exports.register_xlsx()
    return attachment(content, exports.register_filename(), "xlsx")
