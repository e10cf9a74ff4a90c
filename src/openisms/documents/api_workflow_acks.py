"""API: read-and-acknowledge — ask people to read the version in force, list who did, a caller's
own reading list, and acknowledging (oneself, or a manager recording it for someone)."""

import datetime as dt
import uuid
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from openisms.api.auth import acting_user, org_route
from openisms.api.common import ERRORS, PageParams, Text, page_of, paginate
from openisms.api.shared import JsonObject, username
from openisms.documents import selectors
from openisms.documents.models import Acknowledgement, DocumentVersion
from openisms.documents.services import acknowledgements as svc

router = Router()


class AcknowledgementOut(Schema):
    id: uuid.UUID
    version_id: uuid.UUID
    document_id: uuid.UUID
    document: str = Field(..., description="ref of the document")
    title: str
    version: int
    person_id: uuid.UUID
    person: str = Field(..., description="full name")
    requested_at: dt.datetime
    requested_by: str | None
    due_on: dt.date | None
    acknowledged_at: dt.datetime | None
    acknowledged_by: str | None = Field(
        ..., description="the person themself, or the manager who recorded it"
    )


class AckRequest(JsonObject):
    audience: Text = Field(
        "", max_length=20,
        description="distribution or all (active staff); or name people in ``persons``",
    )  # fmt: skip
    persons: list[uuid.UUID] = Field([], max_length=10_000, description="ids of people")
    due_on: dt.date | None = Field(None, description="acknowledge by")


class AckRequested(Schema):
    asked: int = Field(..., description="requests added (people already asked are skipped)")
    total: int
    acknowledged: int


class AckFilters(PageParams):
    outstanding: bool = Field(False, description="only those not acknowledged yet")


def ack_out(a: Acknowledgement) -> dict[str, Any]:
    """Needs version__document, person, requested_by and acknowledged_by selected."""
    return {
        "id": a.pk,
        "version_id": a.version_id,
        "document_id": a.version.document_id,
        "document": a.version.document.ref,
        "title": a.version.document.title,
        "version": a.version.number,
        "person_id": a.person_id,
        "person": a.person.full_name,
        "requested_at": a.requested_at,
        "requested_by": username(a.requested_by),
        "due_on": a.due_on,
        "acknowledged_at": a.acknowledged_at,
        "acknowledged_by": username(a.acknowledged_by),
    }


RELATED = ("version__document", "person", "requested_by", "acknowledged_by")


@router.post(
    "/versions/{version_id}/acknowledgements",
    response={200: AckRequested, **ERRORS},
)
@org_route("documents.request_ack")
def request_acknowledgements(request: HttpRequest, version_id: uuid.UUID, payload: AckRequest):
    """Ask people to read and acknowledge the published version in force."""
    from django.core.exceptions import ValidationError

    version = get_object_or_404(DocumentVersion.objects.select_related("document"), pk=version_id)
    if payload.audience in ("distribution", "all"):
        people: Any = svc.audience_of(version.document, payload.audience)
    elif payload.audience:
        raise ValidationError({"audience": "Use distribution or all, or list people in persons."})
    elif payload.persons:
        people = payload.persons
    else:
        raise ValidationError({"persons": "Say whom to ask: an audience or a list of people."})
    asked = svc.request_acknowledgements(
        version, people, due_on=payload.due_on, user=acting_user(request)
    )
    progress = selectors.ack_progress(version, outstanding_limit=0)
    return {"asked": asked, "total": progress["total"], "acknowledged": progress["done"]}


@router.get(
    "/versions/{version_id}/acknowledgements",
    response={200: page_of(AcknowledgementOut), **ERRORS},
)
@org_route("records.view")
def list_acknowledgements(request: HttpRequest, version_id: uuid.UUID, filters: Query[AckFilters]):
    """Who was asked to read this version, and who acknowledged it when."""
    version = get_object_or_404(DocumentVersion, pk=version_id)
    qs = selectors.acknowledgements_of(version).select_related("version__document")
    if filters.outstanding:
        qs = qs.filter(acknowledged_at__isnull=True)
    result = paginate(qs, filters)
    result["items"] = [ack_out(a) for a in result["items"]]
    return result


@router.get("/acknowledgements/mine", response={200: page_of(AcknowledgementOut), **ERRORS})
@org_route("records.view")
def my_acknowledgements(request: HttpRequest, filters: Query[PageParams]):
    """The caller's reading list: published versions they were asked to acknowledge."""
    qs = selectors.my_pending(acting_user(request)).select_related(*RELATED)
    result = paginate(qs, filters)
    result["items"] = [ack_out(a) for a in result["items"]]
    return result


@router.post(
    "/acknowledgements/{acknowledgement_id}/acknowledge",
    response={200: AcknowledgementOut, **ERRORS},
)
@org_route("documents.acknowledge")
def acknowledge(request: HttpRequest, acknowledgement_id: uuid.UUID):
    """I have read and understood it — or, for an ISMS manager, record someone's acknowledgement
    (e.g. a signed paper copy). Only the published version in force can be acknowledged."""
    user = acting_user(request)
    ack = get_object_or_404(Acknowledgement.objects.select_related(*RELATED), pk=acknowledgement_id)
    try:
        svc.acknowledge(ack, user=user, role=request.org_access.role)
    except PermissionDenied:
        if ack.person.user_id != user.pk:
            # Someone else's request: as if it did not exist, unless you may manage them.
            raise Http404("Not found.") from None
        raise
    return ack_out(Acknowledgement.objects.select_related(*RELATED).get(pk=ack.pk))
