"""API: the risk register and treatment plan as XLSX/CSV, the risk method as DOCX/PDF.

The files are the pages' own downloads. The register and the plan need ``records.export``; the
method in force needs ``records.view`` (everyone reads it on the method page), another version
``records.export``.
"""

from typing import Literal

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, Query, Router

from openisms.api.auth import org_route
from openisms.api.common import ERRORS, Text
from openisms.core.exports import DOCX_TYPE, PDF_TYPE, XLSX_TYPE
from openisms.risk import method_document
from openisms.risk.api_register import RegisterFilters
from openisms.risk.io import columns as C
from openisms.risk.io import exporter

router = Router()
BINARY = {"type": "string", "format": "binary"}
MAX_VERSION = 2_147_483_647
TYPES = {"xlsx": XLSX_TYPE, "csv": exporter.CSV_TYPE, "docx": DOCX_TYPE, "pdf": PDF_TYPE}


def _file(description: str, example: str, *types: str) -> dict:
    return {
        "responses": {
            200: {
                "description": description,
                "headers": {
                    "Content-Disposition": {
                        "description": f'attachment; filename="{example}"',
                        "schema": {"type": "string"},
                    }
                },
                "content": {media: {"schema": BINARY} for media in types},
            }
        }
    }


def _attachment(content: bytes, name: str, fmt: str) -> HttpResponse:
    response = HttpResponse(content, content_type=TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


class ExportFilters(RegisterFilters):
    map: Literal["inherent", "residual"] = Field("inherent", description="the map `cell` is on")
    cell: Text = Field("", max_length=10, description="“likelihood-impact”, e.g. 4-3")


def _table(request: HttpRequest, kind: str, fmt: str, filters: dict | None) -> HttpResponse:
    data = exporter.rows(kind, filters)
    if fmt == "csv":
        content = exporter.to_csv(kind, data)
    else:
        content = exporter.to_xlsx(kind, data, filters=filters)
    name = exporter.filename(kind, request.org_access.organisation.slug, fmt)
    return _attachment(content, name, fmt)


@router.get(
    "/register/export",
    response=ERRORS,
    summary="Download the risk register as XLSX or CSV",
    description=(
        "Human labels (owner names, threat and vulnerability names, status, treatment and level "
        "labels), inherent and residual scores, Annex A controls, assets and the acceptance (by "
        "whom, role, when, comment). The XLSX opens with a header block (organisation, "
        "generated at, risk method version and approval, filter); the CSV is the bare table, "
        "which `openisms import risks` and the import page read back. The register filters "
        "narrow it as on the page. Needs `records.export`."
    ),
    openapi_extra=_file(
        "The register as a file.", "risks-acme-2026-12-07.xlsx", XLSX_TYPE, exporter.CSV_TYPE
    ),  # fmt: skip
)
@org_route("records.export")
def export_register(
    request: HttpRequest,
    filters: Query[ExportFilters],
    format: Literal["xlsx", "csv"] = Query("xlsx"),
) -> HttpResponse:
    wanted = exporter.export_filters(filters.dict())
    if not wanted.get("cell"):
        wanted.pop("map", None)  # the default side of the map says nothing on its own
    return _table(request, C.RISKS, format, wanted)


@router.get(
    "/plan/export",
    response=ERRORS,
    summary="Download the risk treatment plan as XLSX or CSV",
    description=(
        "One row per action: risk, risk owner, action, action owner, due date, status label, "
        "control, overdue. The XLSX header block states the sign-off: who approved it, in "
        "which role and when, which risk owners confirmed and which have not, and whether the "
        "plan changed since it was signed. Needs `records.export`."
    ),
    openapi_extra=_file(
        "The plan as a file.", "treatment-plan-acme-2026-12-07.xlsx", XLSX_TYPE, exporter.CSV_TYPE
    ),  # fmt: skip
)
@org_route("records.export")
def export_plan(
    request: HttpRequest, format: Literal["xlsx", "csv"] = Query("xlsx")
) -> HttpResponse:
    return _table(request, C.PLAN, format, None)


@router.get(
    "/methodology/export",
    response=ERRORS,
    summary="Download the risk method as a controlled document (DOCX or PDF)",
    description=(
        "Version, status, approval (who, role, when, content SHA-256), the scales with labels "
        "and descriptions, the matrix, the levels with their acceptance criteria and who may "
        "accept each, and the version history. A version that is not approved is marked DRAFT "
        "in the running header. Default: the version in force (`records.view`); another "
        "`version` needs `records.export`."
    ),
    openapi_extra=_file(
        "The risk method as a file.", "risk-method-acme-v2.pdf", DOCX_TYPE, PDF_TYPE
    ),  # fmt: skip
)
@org_route("records.view")
def export_methodology(
    request: HttpRequest,
    format: Literal["docx", "pdf"] = Query("pdf"),
    version: int | None = Query(None, ge=1, le=MAX_VERSION),
) -> HttpResponse:
    try:
        chosen = method_document.pick(version)
    except method_document.MethodExportError as exc:
        raise Http404(str(exc))
    request.org_access.require(method_document.required_action(chosen))
    content = method_document.render(chosen, format)
    return _attachment(content, method_document.filename(chosen, format), format)
