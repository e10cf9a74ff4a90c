"""Demo evidence and SoA versions: evidence on implemented controls (one expired, one overdue
request), SoA v1 frozen by the ISMS manager and approved by top management, then a change so
the draft differs from the approved version. Runs after the records part's builder; idempotent."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from openisms.core.context import Actor, acting_as

EVIDENCE_SOURCES = [
    ("link", "Procedure in the document register", "https://intranet.demo.example/isms/{ref}"),
    (
        "note",
        "Walk-through with the control owner",
        "Observed the control in operation; records "
        "for the last quarter sampled (5 of 5 complete).",
    ),  # fmt: skip
    ("link", "Tool configuration export", "https://tools.demo.example/config/{ref}"),
]


def build_demo(org: Any) -> None:
    from openisms.controls.models import Control, Evidence, EvidenceRequest, SoaVersion
    from openisms.controls.services import soa
    from openisms.controls.services.evidence import create_evidence

    if Evidence.objects.exists() or SoaVersion.objects.exists():
        return
    users = {u.username: u for u in get_user_model().objects.filter(
        username__in=["manager", "approver", "contributor"])}  # fmt: skip
    manager, approver = users.get("manager"), users.get("approver")
    if manager is None or approver is None:
        return
    today = timezone.localdate()
    implemented = list(Control.objects.filter(status="implemented").order_by("order"))
    with acting_as(Actor(user_id=manager.pk, label="manager")):
        for i, control in enumerate(implemented):
            kind, title, text = EVIDENCE_SOURCES[i % len(EVIDENCE_SOURCES)]
            data: dict[str, Any] = {
                "kind": kind,
                "title": f"{control.ref}: {title}",
                "owner": control.owner or manager,
                "collected_on": today - dt.timedelta(days=20 + i),
                "valid_until": today + dt.timedelta(days=200 + 5 * i),
                "controls": [control],
            }
            data["url" if kind == "link" else "note"] = text.format(ref=control.ref.lower())
            if i == 1:  # an expired piece: the validation panel and dashboard show it
                data["collected_on"] = today - dt.timedelta(days=400)
                data["valid_until"] = today - dt.timedelta(days=35)
            create_evidence(data, user=manager)
        partial = Control.objects.filter(status="partial").exclude(owner=None).first()
        if partial is not None:
            # Created as a record (the service refuses due dates in the past): overdue on purpose.
            EvidenceRequest.objects.create(
                control=partial, requested_from=partial.owner, requested_by=manager,
                description="Export of the last access review and its sign-off.",
                due_on=today - dt.timedelta(days=6),
            )  # fmt: skip
        version = soa.freeze(user=manager, note="First SoA for the Stage 1 audit")
    with acting_as(Actor(user_id=approver.pk, label="approver")):
        soa.approve(version, approver=approver, role="approver", comment="Approved for Stage 1.")
    # After approval work went on: the draft now differs from the approved version.
    changed = Control.objects.filter(status="planned").order_by("order").first()
    if changed is not None:
        with acting_as(Actor(user_id=manager.pk, label="manager")):
            changed.status = "partial"
            changed.implementation = (
                changed.implementation or f"{changed.title}: rollout started."
            ) + " Rollout started in the factory; office next quarter."
            changed.save()
