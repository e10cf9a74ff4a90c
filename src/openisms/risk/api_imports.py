"""API: spreadsheet import jobs (uploaded on the import page), read-only — their state, the
headers that still need a mapping and the suggested columns, and the problems found.

A dry run whose only problems are headers to map has the status ``unmapped`` ("Needs mapping"),
not ``failed``: a mapping, not a fix of the file, is what it needs.
"""

import datetime as dt
import uuid
from typing import Any, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from openisms.api.auth import org_route
from openisms.api.common import ERRORS, PageParams, page_of, paginate
from openisms.risk.io import columns as C
from openisms.risk.io.jobs import job_state
from openisms.risk.io.report import Report
from openisms.risk.io.suggest import suggestions
from openisms.risk.models import ImportJob

router = Router()


class ImportJobOut(Schema):
    id: uuid.UUID
    kind: str
    filename: str
    created_at: dt.datetime
    uploaded_by: str | None
    status: str = Field(..., description="uploaded, checked, imported, failed or unmapped")
    status_label: str = Field(..., description="as pages show it, e.g. “Needs mapping”")
    state: str = Field(..., description="queued or running while a run is under way, else done")
    dry_run: bool
    rows: int
    needs_mapping: bool
    unmapped: list[str] = Field(..., description="their headers that are not ours, not mapped")
    suggested: dict[str, str] = Field(
        ..., description="header (compared without case or extra spaces) → suggested column"
    )
    problems: int


class Problem(Schema):
    row: int
    column: str
    message: str


class ImportJobDetail(ImportJobOut):
    mapping: dict[str, str]
    errors: list[Problem]


class JobFilters(PageParams):
    kind: Literal["assets", "risks"] | None = None


def _out(job: ImportJob) -> dict[str, Any]:
    report = Report.from_dict(job.report)
    return {
        "id": job.pk,
        "kind": job.kind,
        "filename": job.filename,
        "created_at": job.created_at,
        "uploaded_by": job.uploaded_by.get_username() if job.uploaded_by else None,
        "status": job.status,
        "status_label": job.get_status_display(),
        "state": job_state(job),
        "dry_run": bool((job.report or {}).get("dry_run", True)),
        "rows": report.rows,
        "needs_mapping": report.needs_mapping,
        "unmapped": report.unmapped,
        "suggested": suggestions(job.kind, report.headers, job.mapping)
        if job.kind in C.IMPORT_KINDS
        else {},
        "problems": len(report.errors),
    }


@router.get(
    "/imports",
    response={200: page_of(ImportJobOut), **ERRORS},
    summary="Import jobs, newest first, with their status (e.g. needs mapping)",
)
@org_route("records.import")
def list_imports(request: HttpRequest, filters: Query[JobFilters]):
    qs = ImportJob.objects.select_related("uploaded_by").order_by("-created_at")
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    result = paginate(qs, filters)
    result["items"] = [_out(j) for j in result["items"]]
    return result


@router.get("/imports/{job_id}", response={200: ImportJobDetail, **ERRORS})
@org_route("records.import")
def get_import(request: HttpRequest, job_id: uuid.UUID):
    job = get_object_or_404(ImportJob.objects.select_related("uploaded_by"), pk=job_id)
    report = Report.from_dict(job.report)
    return {**_out(job), "mapping": job.mapping, "errors": report.errors}
