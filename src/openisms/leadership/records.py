"""Management commitment records (5.1) as a record type of the kit (``core.records``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from openisms.api.auth import acting_user
from openisms.api.shared import patch_data
from openisms.core.records import RecordType, register
from openisms.leadership import api_commitments as api
from openisms.leadership import selectors
from openisms.leadership.forms import CommitmentForm
from openisms.leadership.models import Commitment, CommitmentKind
from openisms.leadership.services import commitments as svc


def _list_context(request: HttpRequest, ctx: dict[str, Any]) -> dict[str, Any]:
    return {
        "active_filters": any(ctx["filters"].values()),
        "totals": selectors.commitment_totals(ctx["queryset"]),
        "kinds": CommitmentKind.choices,
        "years": selectors.commitment_years(),
        "record_empty": ctx["none_yet"],
    }


def _api_filters(f: dict[str, Any]) -> Any:
    return selectors.commitments(
        {"kind": f.get("kind", ""), "year": str(f.get("year") or ""), "q": f.get("q", "")}
    ).select_related("recorded_by")


def _api_create(data: dict[str, Any], request: HttpRequest) -> Commitment:
    if data.get("date") is None:
        data.pop("date", None)
    return svc.create_commitment(data, user=acting_user(request))


def _api_totals(qs: Any) -> dict[str, Any]:
    totals = selectors.commitment_totals(qs)
    return {"total_amount": totals["amount"], "total_effort_days": totals["effort_days"]}


def _patch(payload: Any) -> dict[str, Any]:
    data = patch_data(payload, api.TEXT)
    # These cannot be empty: null leaves them as they are.
    return {k: v for k, v in data.items() if not (k in ("date", "kind", "title") and v is None)}


COMMITMENTS = register(
    RecordType(
        model=Commitment, name="commitment", list_name="commitments", id_kwarg="commitment_id",
        namespace="core:leadership", change_action="leadership.change",
        create=lambda data, request: svc.create_commitment(data, user=request.user),
        update=svc.update_commitment, delete=svc.delete_commitment,
        selector=selectors.commitments, filters=("kind", "year", "q"),
        form=CommitmentForm, form_data=lambda form: form.cleaned_data,
        form_initial=lambda: {"date": timezone.localdate()},
        list_template="leadership/commitments.html",
        rows_template="leadership/commitments.html",
        detail_template=None, after_save="list",
        form_template="leadership/commitment_form.html", context_name="item",
        list_context=_list_context,
        saved_message=lambda c: f"“{c.title}” recorded.",
        api_path="/commitments", api_out=api.CommitmentOut, api_in=api.CommitmentIn,
        api_patch=api.CommitmentPatch, api_filters=api.CommitmentFilters,
        api_page=api.CommitmentPage,
        api_list_extra=_api_totals,
        to_out=api.commitment_out, api_queryset=_api_filters, api_create=_api_create,
        patch_data=_patch,
    )
)  # fmt: skip
