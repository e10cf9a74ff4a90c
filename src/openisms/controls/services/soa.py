"""SoA versions: freeze the live state, approve or reject, compare.

A frozen version holds its rows and header as JSON, so it never changes when the live records
do; its ``content_hash`` (SHA-256 of the canonical JSON) is what top management's approval is
bound to. Whoever froze a version is its author in the audit trail, so the core sign-off refuses
them as its approver. Approving supersedes the version approved before.

Freezing reads the validation rules (``controls.validation``) first and is refused
(:class:`FreezeRefused`, carrying the findings) while any finding of severity "blocks" remains;
warnings are attached to the new version and to the approval for the pages to show.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from openisms.controls import validation
from openisms.controls.models import SoaStatus, SoaVersion
from openisms.controls.soa_rows import FIELDS, build_rows, header
from openisms.core.auditing import object_type
from openisms.core.context import require_org
from openisms.core.models import Approval, Decision, Organisation
from openisms.core.models.audit import canonical_json
from openisms.core.services.approvals import approval_status, content_hash, decide
from openisms.core.validation import clean_text

APPROVAL_KIND = "soa"
APPROVE_ACTION = "soa.approve"
DIFF_FIELDS = (*FIELDS, "risk_count")
MAX_REFS = 10


class FreezeRefused(ValidationError):
    """Freezing refused while blocking findings remain; ``findings`` lists them."""

    def __init__(self, items: list[Any]) -> None:
        self.findings = items
        super().__init__({"__all__": ["Fix these before freezing the SoA:", *summaries(items)]})


def hash_of(rows: list[dict[str, Any]], head: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json({"rows": rows, "header": head}).encode()).hexdigest()


def summaries(items: list[Any]) -> list[str]:
    """One sentence per rule: its title and the controls (or records) it concerns."""
    by_rule: dict[str, list[str]] = {}
    for item in items:
        by_rule.setdefault(item.rule, []).append(item.control_ref or item.record)
    out = []
    for rule, refs in by_rule.items():
        listed = ", ".join(refs[:MAX_REFS]) + (
            f" and {len(refs) - MAX_REFS} more" if len(refs) > MAX_REFS else ""
        )
        if rule == "undecided":
            out.append(f"{len(refs)} control(s) have no applicability decision: {listed}.")
        elif rule in ("method_unapproved", "plan_unapproved"):
            out.append(next(i.message for i in items if i.rule == rule))
        else:
            out.append(f"{validation.RULES[rule][0]}: {listed}.")
    return out


def findings(rows: list[dict[str, Any]] | None = None) -> tuple[list[str], list[str]]:
    """(blocking, warnings) as sentences: what stops a freeze, what an auditor would question.

    Read live from the validation rules (``rows`` is accepted for older callers and unused).
    """
    items = validation.findings()
    return (
        summaries([f for f in items if f.blocking]),
        summaries([f for f in items if not f.blocking]),
    )


def latest() -> SoaVersion | None:
    return SoaVersion.objects.order_by("-number").first()


def approved() -> SoaVersion | None:
    return SoaVersion.objects.filter(status=SoaStatus.APPROVED).order_by("-number").first()


def default_version() -> SoaVersion | None:
    """What "the SoA" means: the approved version, else the latest frozen one."""
    return approved() or latest()


@transaction.atomic
def freeze(*, user: Any = None, note: str = "") -> SoaVersion:
    """Snapshot the live SoA as the next version (refused while blocking findings remain)."""
    org = Organisation.objects.select_for_update().get(pk=require_org().pk)
    items = validation.findings()
    blocking = [f for f in items if f.blocking]
    if blocking:
        raise FreezeRefused(blocking)
    rows = build_rows()
    head = header()
    number = (SoaVersion.objects.aggregate(n=Max("number"))["n"] or 0) + 1
    version = SoaVersion(
        organisation=org,
        number=number,
        note=clean_text(note, "note")[:300],
        rows=rows,
        header=head,
        content_hash=hash_of(rows, head),
        frozen_by=user,
        frozen_at=timezone.now(),
    )
    version.full_clean(exclude=["organisation", "frozen_by"])
    version.save()
    version.warnings = items  # shown to whoever froze it; the approver sees them live
    return version


def _require_frozen(version: SoaVersion) -> None:
    if version.status != SoaStatus.FROZEN:
        raise ValidationError(
            f"SoA v{version.number} is {version.get_status_display().lower()}: only a frozen "
            "version awaiting approval can be decided."
        )


@transaction.atomic
def approve(version: SoaVersion, *, approver: Any, role: str, comment: str = "") -> Approval:
    Organisation.objects.select_for_update().get(pk=require_org().pk)
    version = SoaVersion.objects.select_for_update().get(pk=version.pk)
    _require_frozen(version)
    approval = decide(
        version, approver=approver, role=role, decision="approved", kind=APPROVAL_KIND,
        comment=clean_text(comment, "comment"), version_label=f"v{version.number}",
        action=APPROVE_ACTION,
    )  # fmt: skip
    SoaVersion.objects.filter(status=SoaStatus.APPROVED).exclude(pk=version.pk).update(
        status=SoaStatus.SUPERSEDED
    )
    version.status = SoaStatus.APPROVED
    version.approved_at = timezone.now()
    version.approved_by = approver
    version.save()
    # Warnings do not stop an approval; the approval page listed them before signing.
    approval.warnings = validation.findings()
    return approval


@transaction.atomic
def reject(version: SoaVersion, *, approver: Any, role: str, comment: str) -> Approval:
    version = SoaVersion.objects.select_for_update().get(pk=version.pk)
    _require_frozen(version)
    approval = decide(
        version, approver=approver, role=role, decision="rejected", kind=APPROVAL_KIND,
        comment=clean_text(comment, "comment"), version_label=f"v{version.number}",
        action=APPROVE_ACTION,
    )  # fmt: skip
    version.status = SoaStatus.REJECTED
    version.save()
    return approval


def approval_state(version: SoaVersion) -> dict[str, Any]:
    return approval_status(version, APPROVAL_KIND)


def decisions(version: SoaVersion) -> list[Approval]:
    return list(
        Approval.objects.filter(
            subject_type=object_type(SoaVersion), subject_id=str(version.pk), kind=APPROVAL_KIND
        ).select_related("approver")
    )


def _value(row: dict[str, Any], field: str) -> Any:
    value = row.get(field)
    return ", ".join(value) if isinstance(value, list) else value


def diff(old_rows: list[dict[str, Any]], new_rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Per control: fields changed (old → new); controls added and removed."""
    old = {r["ref"]: r for r in old_rows}
    new = {r["ref"]: r for r in new_rows}
    changed = []
    for ref, row in new.items():
        before = old.get(ref)
        if before is None:
            continue
        fields = [
            {"field": f, "old": _value(before, f), "new": _value(row, f)}
            for f in DIFF_FIELDS
            if _value(before, f) != _value(row, f)
        ]
        if fields:
            changed.append({"ref": ref, "title": row["title"], "fields": fields})
    return {
        "added": [{"ref": r, "title": new[r]["title"]} for r in new if r not in old],
        "removed": [{"ref": r, "title": old[r]["title"]} for r in old if r not in new],
        "changed": changed,
    }


def live_diff() -> tuple[SoaVersion | None, dict[str, Any]]:
    """The live state against the approved version ("draft with changes")."""
    base = approved()
    return base, diff(base.rows if base else [], build_rows())


__all__ = [
    "APPROVAL_KIND",
    "Decision",
    "approve",
    "approved",
    "content_hash",
    "default_version",
    "diff",
    "FreezeRefused",
    "findings",
    "freeze",
    "latest",
    "live_diff",
    "reject",
]
