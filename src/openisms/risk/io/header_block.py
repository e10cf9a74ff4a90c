"""The header block above the risk register and treatment plan in their XLSX exports.

What an auditor checks before reading a row: whose register it is, when it was generated (ISO
8601, UTC), which risk method version scored it and whether that version is approved, which
filter narrowed it, and for the plan who signed it, in which role, when, which risk owners have
not confirmed and whether the plan changed since it was signed. Every function reads a fixed
number of queries, whatever the size of the register.

The CSV exports leave the block out: a CSV stays one clean table that scripts and the importer
read from its first line (the reader skips this block in an XLSX, see ``reader``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from openisms.core.auditing import object_type
from openisms.core.context import require_org
from openisms.core.dates import iso_moment
from openisms.core.models import Approval, Decision
from openisms.people.identity import owner_filter_q
from openisms.people.models import Person
from openisms.risk import selectors
from openisms.risk.io import columns as C
from openisms.risk.io.exporter import person, role_label
from openisms.risk.models import (
    Risk,
    RiskKind,
    RiskStatus,
    Treatment,
    TreatmentPlan,
)
from openisms.risk.services import actions as plan_service
from openisms.risk.services import methodology as methods

TITLES = {C.RISKS: "Risk register", C.PLAN: "Risk treatment plan"}
FILTER_LABELS = {
    "owner": "Risk owner", "level": "Inherent level", "residual_level": "Residual level",
    "status": "Status", "asset": "Asset", "control": "Annex A control",
    "treatment": "Treatment option", "kind": "Kind", "q": "Search",
}  # fmt: skip


def signature(approval: Approval | None) -> str:
    """ "Max Manager, Approver (top management), 2026-12-07 14:05 UTC"."""
    if approval is None:
        return ""
    return (
        f"{person(approval.approver)}, {role_label(approval.approver_role)}, "
        f"{iso_moment(approval.decided_at)}"
    )


def method_lines() -> list[tuple[str, Any]]:
    """The method version in force and the state of its approval."""
    current = methods.current()
    state = methods.approval_state(current)
    approval = state["approval"]
    if state["state"] == "approved":
        text = f"Approved by {signature(approval)}"
    elif state["state"] == "outdated":
        text = f"NOT APPROVED: changed since it was approved by {signature(approval)}"
    elif state["state"] == "rejected":
        text = f"NOT APPROVED: rejected by {signature(approval)}"
    else:
        text = "NOT APPROVED by top management"
    return [("Risk method", f"v{current.version} (in force)"), ("Risk method approval", text)]


def describe_filters(filters: dict[str, str] | None) -> str:
    """The register page's filters in words, as the header block states them."""
    f = {k: (v or "").strip() for k, v in (filters or {}).items() if (v or "").strip()}
    if not f:
        return "None: the whole register"
    method = methods.current().method
    words: list[str] = []
    for key, label in FILTER_LABELS.items():
        value = f.get(key)
        if not value:
            continue
        if key == "owner":
            who = Risk.objects.filter(owner_filter_q(value)).select_related("owner").first()
            value = person(who.owner) if who and who.owner else value
        elif key in ("level", "residual_level"):
            level = method.level(value)
            value = level.name if level else value
        elif key == "status":
            value = dict(RiskStatus.choices).get(value, value)
        elif key == "treatment":
            fallback = "No option chosen" if value == "none" else value
            value = dict(Treatment.choices).get(value, fallback)
        elif key == "kind":
            value = dict(RiskKind.choices).get(value, value)
        words.append(f"{label}: {value}")
    if f.get("cell"):
        which = "Residual" if f.get("map") == "residual" else "Inherent"
        words.append(f"{which} likelihood × impact: {f['cell'].replace('-', ' × ')}")
    return "; ".join(words) or "None: the whole register"


def _common(kind: str) -> list[tuple[str, Any]]:
    return [
        ("Organisation", require_org().name),
        ("Document", TITLES[kind]),
        ("Generated at", iso_moment(timezone.now())),
        *method_lines(),
    ]


def preamble(kind: str, count: int, filters: dict[str, str] | None = None) -> list[tuple]:
    if kind == C.RISKS:
        imported = (
            selectors.risk_register(filters)
            .filter(acceptance_imported=True, status=RiskStatus.ACCEPTED)
            .count()
        )
        return [
            *_common(kind),
            ("Filter", describe_filters(filters)),
            ("Risks", count),
            ("Acceptances imported, to re-confirm", imported),
        ]
    return [*_common(kind), *plan_lines(), ("Actions", count)]


# --- the treatment plan's sign-off state ----------------------------------------------------


@dataclass
class PlanSignoff:
    content_hash: str
    approvals: list[Approval] = field(default_factory=list)  # management, on this content
    confirmed: list[Approval] = field(default_factory=list)  # risk owners, on this content
    pending: list[str] = field(default_factory=list)  # risk owners who have not confirmed
    last_signed: Approval | None = None  # the latest signature of any content

    @property
    def changed_since_signing(self) -> bool:
        return self.last_signed is not None and self.last_signed.content_hash != self.content_hash


def plan_signoff() -> PlanSignoff:
    """Who signed the plan's current content, in which role and when; who still must."""
    current = plan_service.plan_hash()
    treatment_plan = plan_service.plan()
    decisions = list(
        Approval.objects.filter(
            subject_type=object_type(TreatmentPlan),
            subject_id=str(treatment_plan.pk),
            decision=Decision.APPROVED,
        )
        .select_related("approver")
        .order_by("decided_at")
    )
    on_current = [a for a in decisions if a.content_hash == current]
    # Owners who can sign: the logins of the people owning treated risks.
    owners = {
        p.user_id: p
        for p in Person.objects.filter(
            user__isnull=False,
            pk__in=Risk.objects.exclude(treatment="").exclude(owner=None).values("owner"),
        )
    }
    confirmed = [a for a in on_current if a.kind == plan_service.PLAN_OWNER_SIGNOFF]
    signed_ids = {a.approver_id for a in confirmed}
    return PlanSignoff(
        content_hash=current,
        approvals=[a for a in on_current if a.kind == plan_service.PLAN_APPROVAL],
        confirmed=[a for a in confirmed if a.approver_id in owners],
        pending=sorted(person(u) for pk, u in owners.items() if pk not in signed_ids),
        last_signed=decisions[-1] if decisions else None,
    )


def plan_lines() -> list[tuple[str, Any]]:
    state = plan_signoff()
    if state.approvals:
        approval = "; ".join(f"Approved by {signature(a)}" for a in state.approvals)
    elif state.changed_since_signing:
        approval = "NOT APPROVED: the plan changed after the last signature"
    else:
        approval = "NOT APPROVED by top management"
    if state.last_signed is None:
        changed = "Not signed yet"
    elif state.changed_since_signing:
        changed = (
            f"Yes: changed after the last signature ({signature(state.last_signed)}); "
            "signatures of earlier content do not cover it"
        )
    else:
        changed = "No"
    return [
        ("Plan approval (top management)", approval),
        ("Risk owners who confirmed", "; ".join(signature(a) for a in state.confirmed) or "None"),
        ("Risk owners who have not confirmed", ", ".join(state.pending) or "None"),
        ("Changed since signing", changed),
        ("Plan content SHA-256", state.content_hash),
    ]
