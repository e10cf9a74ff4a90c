"""API: SoA versions (freeze, read, approve, reject), diffs and exports.

Same permissions as the pages: reading needs ``records.view``, freezing ``soa.freeze``,
deciding ``soa.approve``; exporting the live state needs ``records.export``.
"""

import datetime as dt
import uuid
from typing import Any, Literal

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from openisms.api.auth import acting_user, org_route
from openisms.api.common import ERRORS, PageParams, Text, page_of, paginate
from openisms.api.shared import LONG, ApprovalState, Comment, JsonObject, state_out, username
from openisms.controls import soa_exports, validation
from openisms.controls.models import SoaStatus, SoaVersion
from openisms.controls.services import soa as svc
from openisms.core.exports import DOCX_TYPE, PDF_TYPE, XLSX_TYPE
from openisms.risk.api_validation import FindingsRefused, ValidationFinding, findings_out

router = Router()
MAX_VERSION = 2_147_483_647
BINARY = {"type": "string", "format": "binary"}


class SoaRow(Schema):
    ref: str
    title: str
    theme: str
    applicable: Literal["yes", "no", "undecided"]
    justification: str
    risks: list[str]
    risk_count: int
    requirements: list[str]
    business_need: str
    exclusion_justification: str
    status: str
    owner: str
    target_date: str
    implementation: str
    documents: list[str]
    evidence: list[str]
    maps_to: list[str]


class SoaVersionOut(Schema):
    id: uuid.UUID
    number: int
    status: str
    note: str
    content_hash: str
    frozen_by: str | None
    frozen_at: dt.datetime
    approved_by: str | None
    approved_at: dt.datetime | None


class SoaVersionDetail(SoaVersionOut):
    header: dict[str, str]
    rows: list[SoaRow]
    approval: ApprovalState
    findings: list[ValidationFinding] = Field(
        [],
        description="validation findings in the live records: listed while the version awaits "
        "approval (so the approver reads them before signing) and in freeze/approve answers",
    )


class FreezeIn(JsonObject):
    note: Text = Field("", max_length=300)


class FieldChange(Schema):
    field: str
    old: Any = None
    new: Any = None


class ControlChange(Schema):
    ref: str
    title: str
    fields: list[FieldChange]


class ControlRef(Schema):
    ref: str
    title: str


class SoaDiff(Schema):
    old: str = Field(..., description="v2, or empty when nothing to compare with")
    new: str = Field(..., description="v3, or 'live' for the live state")
    added: list[ControlRef]
    removed: list[ControlRef]
    changed: list[ControlChange]


def _out(version: SoaVersion) -> dict[str, Any]:
    return {
        "id": version.pk,
        "number": version.number,
        "status": version.status,
        "note": version.note,
        "content_hash": version.content_hash,
        "frozen_by": username(version.frozen_by),
        "frozen_at": version.frozen_at,
        "approved_by": username(version.approved_by),
        "approved_at": version.approved_at,
    }


def _detail(
    version: SoaVersion, request: HttpRequest | None = None, findings: list | None = None
) -> dict[str, Any]:
    head = {k: str(v) for k, v in (version.header or {}).items()}
    if findings is None and request is not None and version.status == SoaStatus.FROZEN:
        findings = validation.findings()
    return {
        **_out(version),
        "header": head,
        "rows": version.rows,
        "approval": state_out(svc.approval_state(version)),
        "findings": findings_out(findings, request) if findings and request else [],
    }


def _get(version_id: uuid.UUID) -> SoaVersion:
    return get_object_or_404(
        SoaVersion.objects.select_related("frozen_by", "approved_by"), pk=version_id
    )


@router.get("/soa/versions", response={200: page_of(SoaVersionOut), **ERRORS})
@org_route("records.view")
def list_versions(request: HttpRequest, params: Query[PageParams]) -> Any:
    qs = SoaVersion.objects.select_related("frozen_by", "approved_by").defer("rows")
    page = paginate(qs.order_by("-number"), params)
    page["items"] = [_out(v) for v in page["items"]]
    return page


@router.post(
    "/soa/versions",
    response={201: SoaVersionDetail, **ERRORS, 422: FindingsRefused},
    summary="Freeze the live SoA as a new version",
    description="Refused (422, with the blocking findings) while a validation finding of "
    "severity `blocks` remains: a control without a decision, an exclusion without a reason, "
    "an excluded control a risk still lists as treatment. Warnings come back in `findings`.",
)
@org_route("soa.freeze")
def freeze_version(request: HttpRequest, payload: FreezeIn) -> Any:
    try:
        version = svc.freeze(user=acting_user(request), note=payload.note)
    except svc.FreezeRefused as exc:
        refused = {"detail": exc.messages, "findings": findings_out(exc.findings, request)}
        return Status(422, refused)
    return Status(201, _detail(_get(version.pk), request, version.warnings))


@router.get("/soa/versions/{version_id}", response={200: SoaVersionDetail, **ERRORS})
@org_route("records.view")
def get_version(request: HttpRequest, version_id: uuid.UUID) -> Any:
    return _detail(_get(version_id), request)


class Decision(Comment):
    comment: Text = Field("", max_length=LONG)


@router.post("/soa/versions/{version_id}/approve", response={200: SoaVersionDetail, **ERRORS})
@org_route("soa.approve")
def approve_version(request: HttpRequest, version_id: uuid.UUID, payload: Decision) -> Any:
    version = _get(version_id)
    approval = svc.approve(
        version, approver=acting_user(request), role=request.org_access.role,
        comment=payload.comment,
    )  # fmt: skip
    return _detail(_get(version_id), request, approval.warnings)


@router.post("/soa/versions/{version_id}/reject", response={200: SoaVersionDetail, **ERRORS})
@org_route("soa.approve")
def reject_version(request: HttpRequest, version_id: uuid.UUID, payload: Decision) -> Any:
    version = _get(version_id)
    svc.reject(
        version, approver=acting_user(request), role=request.org_access.role,
        comment=payload.comment,
    )  # fmt: skip
    return _detail(_get(version_id))


@router.get(
    "/soa/versions/{version_id}/diff",
    response={200: SoaDiff, **ERRORS},
    summary="What changed in a version against the version before it",
)
@org_route("records.view")
def version_diff(request: HttpRequest, version_id: uuid.UUID) -> Any:
    version = _get(version_id)
    previous = SoaVersion.objects.filter(number__lt=version.number).order_by("-number").first()
    changes = svc.diff(previous.rows if previous else [], version.rows)
    return {
        "old": f"v{previous.number}" if previous else "",
        "new": f"v{version.number}",
        **changes,
    }


@router.get(
    "/soa/diff",
    response={200: SoaDiff, **ERRORS},
    summary="Compare two versions, or the live state with the approved version",
    description="`from` and `to` are version numbers; without `to`, the live state is compared "
    "with the approved version (without `from`: the version before `to`).",
)
@org_route("records.view")
def diff(
    request: HttpRequest,
    from_: int | None = Query(None, alias="from", ge=1, le=MAX_VERSION),
    to: int | None = Query(None, ge=1, le=MAX_VERSION),
) -> Any:
    if to is None:
        if from_ is None:
            base, changes = svc.live_diff()
        else:
            base = get_object_or_404(SoaVersion, number=from_)
            changes = svc.diff(base.rows, svc.build_rows())
        return {"old": f"v{base.number}" if base else "", "new": "live", **changes}
    new = get_object_or_404(SoaVersion, number=to)
    if from_ is None:
        old = SoaVersion.objects.filter(number__lt=to).order_by("-number").first()
    else:
        old = get_object_or_404(SoaVersion, number=from_)
    changes = svc.diff(old.rows if old else [], new.rows)
    return {"old": f"v{old.number}" if old else "", "new": f"v{new.number}", **changes}


@router.get(
    "/soa/export",
    response=ERRORS,
    summary="Download the SoA as XLSX, DOCX or PDF",
    description=(
        "A header block (organisation, scope version, SoA version, status, prepared by, "
        "approved by whom in which role and when, generated at, frozen at, content SHA-256, "
        "next review) and one row per control; anything but the approved version is marked "
        "DRAFT. `version`: a number, or `draft` for the live state (needs `records.export`); "
        "default: the approved version, else the latest frozen one."
    ),
    openapi_extra={
        "responses": {
            200: {
                "description": "The SoA as a file.",
                "headers": {
                    "Content-Disposition": {
                        "description": 'attachment; filename="SoA-v2.xlsx"',
                        "schema": {"type": "string"},
                    }
                },
                "content": {m: {"schema": BINARY} for m in (XLSX_TYPE, DOCX_TYPE, PDF_TYPE)},
            }
        }
    },
)
@org_route("records.view")
def export(
    request: HttpRequest,
    format: Literal["xlsx", "docx", "pdf"] = Query("xlsx"),
    version: str | None = Query(None, pattern=r"^(draft|[1-9][0-9]{0,8})$"),
) -> HttpResponse:
    if version == "draft":
        request.org_access.require("records.export")
        data = soa_exports.pick(draft=True)
    else:
        try:
            data = soa_exports.pick(int(version) if version else None)
        except soa_exports.ExportError as exc:
            raise Http404(str(exc))
    return soa_exports.response(data, format)
