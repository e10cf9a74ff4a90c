"""API: document versions — read, edit a draft, start a new version, the transitions
(submit, approve, reject, publish) and the attached file (multipart upload, download)."""

import datetime as dt
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, File, Router, Schema, Status, UploadedFile

from openisms.api.auth import acting_user, org_route
from openisms.api.common import ERRORS, Text
from openisms.api.shared import ApprovalState, Comment, JsonObject, patch_data, state_out, username
from openisms.documents import selectors
from openisms.documents.models import Document, DocumentVersion
from openisms.documents.services import files
from openisms.documents.services import versions as svc

router = Router()
CONTENT_MAX = 500_000


class FileOut(Schema):
    name: str = Field(..., description="the uploader's file name (display only)")
    type: str = Field(..., description="MIME type found from the content")
    size: int
    sha256: str


class VersionOut(Schema):
    id: uuid.UUID
    document_id: uuid.UUID
    document: str = Field(..., description="ref of the document")
    number: int
    label: str
    status: str
    change_summary: str
    author: str | None
    file: FileOut | None
    created_at: dt.datetime
    submitted_at: dt.datetime | None
    approved_at: dt.datetime | None
    approved_by: str | None
    published_at: dt.datetime | None


class DiffLineOut(Schema):
    kind: str = Field(..., description="same, add, del, or gap (unchanged lines left out)")
    old: int | None = Field(..., description="line number in the previous version")
    new: int | None = Field(..., description="line number in this version")
    text: str


class VersionDetail(VersionOut):
    content: str = Field(..., description="Markdown")
    approval: ApprovalState
    previous_version_id: uuid.UUID | None
    diff: list[DiffLineOut] = Field(..., description="line by line against the previous version")


class VersionPatch(JsonObject):
    """Only a draft changes; send only what changes."""

    content: Text | None = Field(None, max_length=CONTENT_MAX, description="Markdown")
    change_summary: Text | None = Field(None, max_length=300)


class NewVersion(JsonObject):
    change_summary: Text = Field("", max_length=300)


class PublishIn(JsonObject):
    audience: Text = Field(
        "none", max_length=20,
        description="who is asked to acknowledge it: none, distribution or all (active staff)",
    )  # fmt: skip
    due_on: dt.date | None = Field(None, description="acknowledge by")


class Published(Schema):
    version: VersionDetail
    asked: int = Field(..., description="people asked to read and acknowledge it")


def version_out(v: DocumentVersion, document: Document | None = None) -> dict[str, Any]:
    """Needs ``author`` and ``approved_by`` selected (and the document, unless given)."""
    d = document or v.document
    return {
        "id": v.pk,
        "document_id": v.document_id,
        "document": d.ref,
        "number": v.number,
        "label": v.label,
        "status": v.status,
        "change_summary": v.change_summary,
        "author": username(v.author),
        "file": {
            "name": v.file_name,
            "type": v.file_type,
            "size": v.file_size or 0,
            "sha256": v.file_sha256,
        }
        if v.file
        else None,  # fmt: skip
        "created_at": v.created_at,
        "submitted_at": v.submitted_at,
        "approved_at": v.approved_at,
        "approved_by": username(v.approved_by),
        "published_at": v.published_at,
    }


def _version(version_id: Any) -> DocumentVersion:
    return get_object_or_404(
        DocumentVersion.objects.select_related(
            "document__approver", "author", "approved_by", "document__published_version"
        ),
        pk=version_id,
    )


def version_detail(version_id: Any) -> dict[str, Any]:
    v = _version(version_id)
    previous = selectors.previous_version(v)
    lines = selectors.diff_lines(previous.content if previous else "", v.content)
    return {
        **version_out(v),
        "content": v.content,
        "approval": state_out(svc.approval_of(v)),
        "previous_version_id": previous.pk if previous else None,
        "diff": [{"kind": x.kind, "old": x.old_no, "new": x.new_no, "text": x.text} for x in lines],
    }


@router.get("/versions/{version_id}", response={200: VersionDetail, **ERRORS})
@org_route("records.view")
def get_version(request: HttpRequest, version_id: uuid.UUID):
    return version_detail(version_id)


@router.patch("/versions/{version_id}", response={200: VersionDetail, **ERRORS})
@org_route("documents.change")
def change_version(request: HttpRequest, version_id: uuid.UUID, payload: VersionPatch):
    """Edit a draft's text or change summary (other states answer 400)."""
    version = _version(version_id)
    svc.edit_draft(
        version, patch_data(payload, ("content", "change_summary")), user=acting_user(request)
    )
    return version_detail(version.pk)


@router.post("/{document_id}/versions", response={201: VersionDetail, **ERRORS})
@org_route("documents.change")
def create_version(request: HttpRequest, document_id: uuid.UUID, payload: NewVersion):
    """The next draft, copying the newest version's text and file."""
    document = get_object_or_404(Document, pk=document_id)
    version = svc.new_version(
        document, user=acting_user(request), change_summary=payload.change_summary
    )
    return Status(201, version_detail(version.pk))


@router.post("/versions/{version_id}/submit", response={200: VersionDetail, **ERRORS})
@org_route("documents.change")
def submit_version(request: HttpRequest, version_id: uuid.UUID):
    """Draft → in review."""
    svc.submit(_version(version_id), user=acting_user(request))
    return version_detail(version_id)


@router.post("/versions/{version_id}/approve", response={200: VersionDetail, **ERRORS})
@org_route("documents.approve")
def approve_version(request: HttpRequest, version_id: uuid.UUID, payload: Comment):
    """In review → approved. Never by an author of the version; only by the designated approver
    if the document has one."""
    svc.approve(
        _version(version_id), user=acting_user(request), role=request.org_access.role,
        comment=payload.comment,
    )  # fmt: skip
    return version_detail(version_id)


@router.post("/versions/{version_id}/reject", response={200: VersionDetail, **ERRORS})
@org_route("documents.approve")
def reject_version(request: HttpRequest, version_id: uuid.UUID, payload: Comment):
    """In review → draft, with the reason (``comment`` required)."""
    svc.reject(
        _version(version_id), user=acting_user(request), role=request.org_access.role,
        comment=payload.comment,
    )  # fmt: skip
    return version_detail(version_id)


@router.post("/versions/{version_id}/publish", response={200: Published, **ERRORS})
@org_route("documents.publish")
def publish_version(request: HttpRequest, version_id: uuid.UUID, payload: PublishIn):
    """Approved → published: supersedes the version in force, sets the next review, and can
    ask the distribution list or all staff to acknowledge it."""
    if payload.audience != "none":
        request.org_access.require("documents.request_ack")
    asked = svc.publish(
        _version(version_id), user=acting_user(request), audience=payload.audience,
        due_on=payload.due_on,
    )  # fmt: skip
    return {"version": version_detail(version_id), "asked": asked}


@router.post("/versions/{version_id}/file", response={200: VersionDetail, **ERRORS})
@org_route("documents.change")
def upload_file(request: HttpRequest, version_id: uuid.UUID, file: File[UploadedFile] = None):
    """Attach a file to a draft (multipart field ``file``): PDF, DOCX, XLSX, ODT, PNG, JPEG or
    plain text, at most 20 MB; its content must match its name."""
    version = _version(version_id)
    if file is None:
        raise ValidationError({"file": "Send the file in the multipart field “file”."})
    files.attach_file(version, file)
    return version_detail(version.pk)


@router.delete("/versions/{version_id}/file", response={200: VersionDetail, **ERRORS})
@org_route("documents.change")
def remove_file(request: HttpRequest, version_id: uuid.UUID):
    files.remove_file(_version(version_id))
    return version_detail(version_id)


@router.get(
    "/versions/{version_id}/file",
    response={200: None, **ERRORS},
    openapi_extra={
        "responses": {
            "200": {
                "description": "The file, as an attachment, with the type found at upload",
                "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
@org_route("records.view")
def download_file(request: HttpRequest, version_id: uuid.UUID):
    version = _version(version_id)
    if not version.file:
        raise Http404("This version has no attached file.")
    try:
        handle = version.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing from storage.") from None
    response = FileResponse(
        handle, as_attachment=True,
        filename=version.file_name or f"{version.document.ref}-{version.label}",
        content_type=version.file_type or "application/octet-stream",
    )  # fmt: skip
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
