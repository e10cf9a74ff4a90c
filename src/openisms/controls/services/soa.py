"""SoA versions: freeze the live state, approve or reject, compare.

A frozen version holds its rows and header as JSON, so it never changes when the live records
do; its ``content_hash`` (SHA-256 of the canonical JSON) is what top management's approval is
bound to. Whoever froze a version is its author in the audit trail, so the core sign-off refuses
them as its approver. Approving supersedes the version approved before.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

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
BLOCKING_RULES = {"undecided", "no_justification"}  # checked from the rows themselves


def hash_of(rows: list[dict[str, Any]], head: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json({"rows": rows, "header": head}).encode()).hexdigest()


def findings(rows: list[dict[str, Any]]) -> tuple[list[str], list[str]]:
    """(blocking, warnings): what stops a freeze, and what an auditor would still question.

    Undecided controls and exclusions without a justification block; the validation panel's
    other findings (when that module is present) are warnings.
    """
    blocking = []
    undecided = [r["ref"] for r in rows if r["applicable"] == "undecided"]
    if undecided:
        listed = ", ".join(undecided[:10]) + (" …" if len(undecided) > 10 else "")
        blocking.append(f"{len(undecided)} control(s) have no applicability decision: {listed}.")
    unjustified = [
        r["ref"]
        for r in rows
        if r["applicable"] == "no" and not r["exclusion_justification"].strip()
    ]
    if unjustified:
        blocking.append("Excluded without a justification: " + ", ".join(unjustified[:10]) + ".")
    warnings: list[str] = []
    try:
        from openisms.controls import validation  # the validation panel's rules
    except ImportError:
        return blocking, warnings
    by_rule: dict[str, list[str]] = {}
    for item in validation.findings():
        if item.rule not in BLOCKING_RULES:
            by_rule.setdefault(item.rule, []).append(item.control_ref)
    for rule, refs in by_rule.items():
        title = validation.RULES.get(rule, (rule, False))[0]
        more = f" and {len(refs) - 10} more" if len(refs) > 10 else ""
        warnings.append(f"{title}: {', '.join(refs[:10])}{more}.")
    return blocking, warnings


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
    rows = build_rows()
    blocking, _ = findings(rows)
    if blocking:
        raise ValidationError({"__all__": ["Fix these before freezing the SoA:", *blocking]})
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
    "findings",
    "freeze",
    "latest",
    "live_diff",
    "reject",
]
