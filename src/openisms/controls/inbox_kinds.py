"""The controls module's kinds of “Waiting for me” (see :mod:`openisms.core.inbox`): the frozen
SoA to approve, evidence requests to answer, controls whose target date passed."""

from __future__ import annotations

from django.db.models import F

from openisms.controls.models import Control, EvidenceRequest, ImplementationStatus, SoaVersion
from openisms.controls.models.evidence import RequestStatus
from openisms.controls.models.soa import SoaStatus
from openisms.core import inbox
from openisms.core.dates import human_day
from openisms.core.inbox import InboxItem, Kind, Who, authored_ids, owned_by_q


def soa_to_approve(who: Who) -> list[InboxItem]:
    """Frozen SoA versions awaiting approval, not frozen (or changed) by this approver."""
    if not who.can("soa.approve"):
        return []
    frozen = list(
        SoaVersion.objects.filter(status=SoaStatus.FROZEN)
        .exclude(frozen_by_id=who.user_id)
        .order_by("number")
        .only("pk", "number", "frozen_at", "note")
    )
    mine = authored_ids("controls.soaversion", [v.pk for v in frozen], who.user_id)
    return [
        who.item(
            "controls.soa",
            f"Statement of Applicability v{v.number}",
            "sign",
            who.link("core:controls:soa_version", v.pk),
            detail=f"Frozen {human_day(v.frozen_at)}" + (f": {v.note}" if v.note else ""),
        )
        for v in frozen
        if str(v.pk) not in mine
    ]


def evidence_requests(who: Who) -> list[InboxItem]:
    """Open evidence requests addressed to me."""
    rows = (
        EvidenceRequest.objects.filter(owned_by_q(EvidenceRequest, "requested_from", who.user_id))
        .filter(status=RequestStatus.OPEN)
        .select_related("control")
        .order_by("due_on", "created_at")[: who.limit]
    )
    return [
        who.item(
            "controls.evidence_request",
            f"Evidence for {r.control.ref} {r.control.title}",
            "answer",
            who.link("core:controls:evidence_request_fulfil", r.pk, action="evidence.upload")
            or who.link("core:controls:evidence_requests_mine"),
            due=r.due_on,
            detail=r.description[:200],
        )
        for r in rows
    ]


def controls_late(who: Who) -> list[InboxItem]:
    """Controls I own that are applicable, not implemented, and past their target date."""
    rows = (
        Control.objects.filter(owned_by_q(Control, "owner", who.user_id))
        .filter(target_date__lt=who.today)
        .exclude(applicable=False)
        .exclude(status__in=[ImplementationStatus.IMPLEMENTED, ImplementationStatus.NOT_APPLICABLE])
        .order_by(F("target_date").asc(), "order", "ref")
        .only("pk", "ref", "title", "target_date", "status")[: who.limit]
    )
    return [
        who.item(
            "controls.target",
            f"{c.ref} {c.title}",
            "do",
            who.link("core:controls:control_detail", c.pk),
            due=c.target_date,
            detail=f"Target date passed; {c.get_status_display().lower()}",
        )
        for c in rows
    ]


def register() -> None:
    inbox.register(
        Kind("controls.soa", "Statement of Applicability to approve", soa_to_approve, 35)
    )
    inbox.register(
        Kind("controls.evidence_request", "Evidence requested from you", evidence_requests, 50)
    )
    inbox.register(Kind("controls.target", "Controls past their target date", controls_late, 90))
