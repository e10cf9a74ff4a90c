"""The communication plan (7.4) as a record type of the kit (``core.records``)."""

from __future__ import annotations

from typing import Any

from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from openisms.api.shared import patch_data
from openisms.core.records import RecordType, register
from openisms.people import api_communication as api
from openisms.people.forms import CommunicationForm, DoneForm
from openisms.people.models import CommunicationItem
from openisms.people.services import communication as svc
from openisms.people.views.common import can


def plan(filters: dict[str, Any] | None = None) -> Any:
    # Undated (event-driven) items last, on SQLite and PostgreSQL alike.
    return CommunicationItem.objects.select_related("responsible").order_by(
        F("next_due").asc(nulls_last=True), "topic", "pk"
    )


def _list_context(request: HttpRequest, ctx: dict[str, Any]) -> dict[str, Any]:
    return {"today": timezone.localdate(), "can": can(request), "done_form": DoneForm()}


COMMUNICATION = register(
    RecordType(
        model=CommunicationItem, name="item", label="communication item",
        list_name="communication", id_kwarg="item_id",
        namespace="core:people", change_action="people.change",
        create=lambda data, request: svc.create_item(data),
        update=svc.update_item, delete=svc.delete_item,
        selector=plan, filters=(), paginate=False,
        form=CommunicationForm, form_data=lambda form: form.cleaned_data,
        list_template="people/communication.html", rows_template="people/communication.html",
        detail_template=None, after_save="list",
        form_template="people/communication_form.html", context_name="item",
        list_context=_list_context,
        saved_message=lambda i: f"“{i.topic}” saved in the communication plan.",
        api_path="/communication", api_out=api.ItemOut, api_in=api.ItemIn,
        api_patch=api.ItemPatch, to_out=api.item_out, api_queryset=plan,
        patch_data=lambda p: patch_data(p, api.TEXT),
    )
)  # fmt: skip
