"""API: the communication plan (7.4): schemas and "mark done"; list, get, create, change and
delete come from the record kit (``people.records``)."""

import datetime as dt
import uuid
from typing import Any

from django.db.models import F
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema

from openisms.api.auth import org_route
from openisms.api.common import ERRORS, Text
from openisms.api.shared import LONG, SHORT, JsonObject
from openisms.people.models import CommunicationItem
from openisms.people.services import communication as svc

router = Router()
TEXT = ("notes",)


class ItemOut(Schema):
    id: uuid.UUID
    topic: str = Field(..., description="what")
    audience: str = Field(..., description="with whom")
    timing: str = Field(..., description="when")
    responsible: uuid.UUID | None = Field(..., description="id of the person who communicates")
    responsible_name: str | None
    channel: str = Field(..., description="how")
    next_due: dt.date | None
    last_done: dt.date | None
    notes: str
    created_at: dt.datetime


class ItemIn(JsonObject):
    topic: Text = Field(..., max_length=SHORT)
    audience: Text = Field(..., max_length=SHORT)
    timing: Text = Field(..., max_length=SHORT)
    responsible: uuid.UUID | None = None
    channel: Text = Field(..., max_length=SHORT)
    next_due: dt.date | None = None
    last_done: dt.date | None = None
    notes: Text = Field("", max_length=LONG)


class ItemPatch(JsonObject):
    topic: Text | None = Field(None, max_length=SHORT)
    audience: Text | None = Field(None, max_length=SHORT)
    timing: Text | None = Field(None, max_length=SHORT)
    responsible: uuid.UUID | None = None
    channel: Text | None = Field(None, max_length=SHORT)
    next_due: dt.date | None = None
    last_done: dt.date | None = None
    notes: Text | None = Field(None, max_length=LONG)


class DoneIn(JsonObject):
    done_on: dt.date | None = Field(None, description="default: today")
    next_due: dt.date | None = Field(None, description="when it is due again, if known")


def item_out(i: CommunicationItem) -> dict[str, Any]:
    return {
        "id": i.pk,
        "topic": i.topic,
        "audience": i.audience,
        "timing": i.timing,
        "responsible": i.responsible_id,
        "responsible_name": i.responsible.full_name if i.responsible else None,
        "channel": i.channel,
        "next_due": i.next_due,
        "last_done": i.last_done,
        "notes": i.notes,
        "created_at": i.created_at,
    }


def _items() -> Any:
    return CommunicationItem.objects.select_related("responsible").order_by(
        F("next_due").asc(nulls_last=True), "topic", "pk"
    )


def _one(item_id: uuid.UUID) -> dict[str, Any]:
    return item_out(get_object_or_404(_items(), pk=item_id))


@router.post(
    "/communication/{item_id}/done",
    response={200: ItemOut, **ERRORS},
    summary="Record that it was communicated, and optionally when it is due next",
)
@org_route("people.change")
def mark_done(request: HttpRequest, item_id: uuid.UUID, payload: DoneIn):
    item = get_object_or_404(CommunicationItem, pk=item_id)
    svc.mark_done(item, done_on=payload.done_on, next_due=payload.next_due)
    return _one(item.pk)
