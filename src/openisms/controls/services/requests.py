"""Evidence requests: a manager asks a control's owner (or anyone) for evidence by a date.

A request is fulfilled by attaching evidence — by the person asked or a manager — which links
the evidence to the request's control; managers may cancel it. Overdue = open and past its date.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from openisms.controls.models import Control, Evidence, EvidenceRequest, RequestStatus
from openisms.core.context import require_org
from openisms.core.validation import as_date, clean_text
from openisms.people.identity import is_owner, owned_by_q, resolve_owner


@transaction.atomic
def create_request(data: dict[str, Any], *, user: Any = None) -> EvidenceRequest:
    """Ask ``requested_from`` for evidence of ``control`` by ``due_on``."""
    control = data.get("control")
    if not isinstance(control, Control):
        raise ValidationError({"control": "Choose the control the evidence is for."})
    person = resolve_owner(data.get("requested_from"), "requested_from") or control.owner
    if person is None:
        raise ValidationError({"requested_from": "Choose whom to ask for the evidence."})
    due = as_date(data.get("due_on"), "due_on")
    if due is None:
        raise ValidationError({"due_on": "Give the date the evidence is due."})
    if due < timezone.localdate():
        raise ValidationError({"due_on": "The due date cannot be in the past."})
    return EvidenceRequest.objects.create(
        organisation=require_org(), control=control, requested_from=person, requested_by=user,
        due_on=due, description=clean_text(data.get("description"), "description"),
    )  # fmt: skip


def may_fulfil(req: EvidenceRequest, user: Any, *, is_manager: bool) -> bool:
    return is_manager or is_owner(req, user, "requested_from")


def _require_open(req: EvidenceRequest) -> None:
    if req.status != RequestStatus.OPEN:
        raise ValidationError(
            {"status": f"This request is already {req.get_status_display().lower()}."}
        )


@transaction.atomic
def fulfil_request(
    req: EvidenceRequest, evidence: Evidence, *, user: Any, is_manager: bool
) -> EvidenceRequest:
    """Close the request with ``evidence``, which is linked to the request's control."""
    if not may_fulfil(req, user, is_manager=is_manager):
        raise PermissionDenied("Only the person asked or an ISMS manager can fulfil this request.")
    _require_open(req)
    evidence.controls.add(req.control)
    req.status, req.evidence, req.closed_at = RequestStatus.FULFILLED, evidence, timezone.now()
    req.save(update_fields=["status", "evidence", "closed_at"])
    return req


@transaction.atomic
def cancel_request(req: EvidenceRequest) -> EvidenceRequest:
    _require_open(req)
    req.status, req.closed_at = RequestStatus.CANCELLED, timezone.now()
    req.save(update_fields=["status", "closed_at"])
    return req


# --- reads ---------------------------------------------------------------------------------


def request_list(show: str = "open", user: Any = None) -> QuerySet[EvidenceRequest]:
    """``open`` (default), ``overdue``, ``mine`` (open, asked of ``user``), ``closed``, ``all``."""
    rows = EvidenceRequest.objects.select_related(
        "control", "requested_from", "requested_by", "evidence"
    ).order_by("due_on", "created_at")
    today = timezone.localdate()
    if show == "overdue":
        return rows.filter(status=RequestStatus.OPEN, due_on__lt=today)
    if show == "mine":
        return rows.filter(owned_by_q(user, "requested_from"), status=RequestStatus.OPEN)
    if show == "closed":
        return rows.exclude(status=RequestStatus.OPEN).order_by("-closed_at")
    if show == "all":
        return rows
    return rows.filter(status=RequestStatus.OPEN)


def overdue(user: Any = None) -> QuerySet[EvidenceRequest]:
    """Overdue requests; only those asked of ``user`` when given."""
    rows = request_list("overdue")
    return rows.filter(owned_by_q(user, "requested_from")) if user is not None else rows
