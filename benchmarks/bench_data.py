"""Synthetic asset inventories and risk registers of any size, written with bulk inserts.

Shared by ``benchmarks/risk_bench.py`` and the scale tests. Everything a service would compute is
computed here the same way (levels and orders from the organisation's current method, refs from
the organisation's sequences, score history, acceptance sign-offs), and every bulk insert leaves
an entry in the audit trail, so the generated organisation looks like one grown through the UI.

Call :func:`generate` inside ``org_context(org)`` (and, for a readable trail, ``acting_as``).
Calling it again appends more records after the existing ones.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from openisms.catalogue.models import Requirement
from openisms.core.auditing import record
from openisms.core.context import require_org
from openisms.core.models import Approval, Membership
from openisms.core.models.sequence import Sequence, reserve_at_least
from openisms.core.permissions import Role
from openisms.core.services.approvals import content_hash
from openisms.risk.models import (
    ActionStatus,
    Asset,
    AssetType,
    ClassificationLevel,
    Lifecycle,
    Risk,
    RiskKind,
    RiskScoreHistory,
    RiskStatus,
    Threat,
    Treatment,
    TreatmentAction,
    Vulnerability,
)
from openisms.risk.services import methodology as methods
from openisms.risk.services.risks import ACCEPTANCE_KIND

AUDIT_SUMMARY = "benchmark data"
CHUNK = 2000  # rows per bulk insert, and so per summary entry in the audit trail
REF_WIDTH = 5

SYSTEMS = [
    "ERP", "CRM", "HR system", "Payroll", "File server", "E-mail", "Website", "Web shop",
    "Data warehouse", "Backup", "VPN", "Firewall", "Active Directory", "MES", "PLM", "Wiki",
    "Ticketing", "CI/CD pipeline", "Source code repository", "Laptop fleet", "Mobile phones",
    "Print service", "Door access system", "CCTV", "Telephony", "Document archive",
]  # fmt: skip
QUALIFIERS = [
    "production", "test", "Munich site", "Leeds site", "Lyon site", "finance", "sales",
    "engineering", "support", "legacy", "cloud", "on-premises",
]  # fmt: skip
TAGS = ["pii", "finance", "ot", "cloud", "critical", "customer", "supplier", "legacy", "gdpr"]
LOCATIONS = ["HQ server room", "Azure West Europe", "AWS eu-central-1", "Plant 2", "Home office"]
TREATMENTS = [  # weights: most risks are mitigated, a few untreated (new, not yet planned)
    (Treatment.MITIGATE, 60), (Treatment.ACCEPT, 18), (Treatment.TRANSFER, 8),
    (Treatment.AVOID, 4), ("", 10),
]  # fmt: skip
SCALE_WEIGHTS = [8, 22, 35, 25, 10]  # mid-scale scores are the most common in real registers


@dataclass
class Generated:
    assets: int = 0
    risks: int = 0
    actions: int = 0
    asset_links: int = 0
    control_links: int = 0
    approvals: int = 0


def _last(prefix: str) -> int:
    row = Sequence.objects.filter(organisation=require_org(), key=prefix).first()
    return row.last if row else 0


def _ref(prefix: str, number: int) -> str:
    return f"{prefix}-{number:0{REF_WIDTH}d}"


def _bulk(model: type, rows: list[Any]) -> list[Any]:
    created: list[Any] = []
    for start in range(0, len(rows), CHUNK):
        created += model.objects.bulk_create(
            rows[start : start + CHUNK], audit_summary=AUDIT_SUMMARY
        )
    return created


def _bulk_links(through: type, rows: list[Any], label: str) -> int:
    """Link rows have no audited manager: one trail entry per chunk says what was added."""
    for start in range(0, len(rows), CHUNK):
        chunk = through.objects.bulk_create(rows[start : start + CHUNK])
        record(
            "update",
            None,
            {"links_added": len(chunk)},
            object_type_label=through._meta.label_lower,
            object_id="bulk",
            object_repr=f"{AUDIT_SUMMARY}: {label}",
        )
    return len(rows)


def _scale_point(rng: random.Random, size: int) -> int:
    weights = SCALE_WEIGHTS if size == len(SCALE_WEIGHTS) else [1] * size
    return rng.choices(range(1, size + 1), weights=weights)[0]


def _members(org: Any) -> dict[str, list[Any]]:
    by_role: dict[str, list[Any]] = {}
    for m in Membership.objects.active().filter(organisation=org).select_related("user"):
        by_role.setdefault(m.role, []).append(m.user)
    return by_role


@transaction.atomic
def generate(*, assets: int, risks: int, seed: int = 42) -> Generated:
    """Add ``assets`` assets and ``risks`` risks (with links, actions, sign-offs) to the org."""
    org = require_org()
    rng = random.Random(seed + _last("R"))
    now, today = timezone.now(), timezone.localdate()
    members = _members(org)
    owners = [
        *members.get(Role.CONTRIBUTOR, []), *members.get(Role.ISMS_MANAGER, []),
        *members.get(Role.OWNER, []),
    ]  # fmt: skip
    if not owners:
        raise ValueError("The organisation needs contributors or managers to own the records.")
    # Owners are people of the register: the persons of those logins.
    from openisms.people.identity import person_for

    owners = [person_for(u, org, create=True) for u in owners]
    approvers = [(u, Role.APPROVER) for u in members.get(Role.APPROVER, [])] or [
        (u, Role.OWNER) for u in members.get(Role.OWNER, [])
    ]
    levels = list(ClassificationLevel.objects.all())
    out = Generated()

    first = _last("A") + 1
    new_assets = [
        Asset(
            id=uuid.uuid4(),
            organisation_id=org.pk,
            ref=_ref("A", first + i),
            name=f"{rng.choice(SYSTEMS)} ({rng.choice(QUALIFIERS)}) #{first + i}",
            type=rng.choice(AssetType.values),
            description="Generated for the benchmark.",
            owner_id=rng.choice(owners).pk,
            custodian_id=rng.choice(owners).pk,
            location=rng.choice(LOCATIONS),
            classification_id=rng.choice(levels).pk if levels else None,
            confidentiality=rng.randint(1, 5),
            integrity=rng.randint(1, 5),
            availability=rng.randint(1, 5),
            lifecycle=rng.choices(Lifecycle.values, weights=[5, 85, 5, 3, 2])[0],
            created_at=now - dt.timedelta(days=rng.randint(0, 900)),
        )  # fmt: skip
        for i in range(assets)
    ]
    for asset in new_assets:  # what Asset.save() would derive; bulk_create skips save()
        asset.tags = sorted(set(rng.sample(TAGS, rng.randint(0, 3))))
        asset.tag_text = "|" + "|".join(asset.tags) + "|" if asset.tags else ""
    _bulk(Asset, new_assets)
    out.assets = len(new_assets)
    if new_assets:
        reserve_at_least(org, "A", first + len(new_assets) - 1)
    asset_ids = list(Asset.objects.values_list("id", flat=True))
    Dep = Asset.depends_on.through
    deps = {
        (a.id, b)
        for a in new_assets
        if rng.random() < 0.3
        for b in rng.sample(asset_ids, min(2, len(asset_ids)))
        if b != a.id
    }
    _bulk_links(Dep, [Dep(from_asset_id=a, to_asset_id=b) for a, b in deps], "asset dependencies")

    current = methods.current()
    method = current.method
    n_li, n_im = len(method.likelihood), len(method.impact)
    threats = list(Threat.objects.all())
    vulnerabilities = list(Vulnerability.objects.all())
    controls = list(
        Requirement.objects.filter(framework__slug="iso27001-2022", kind="control").only("id")
    )
    treatments, treatment_weights = zip(*TREATMENTS, strict=True)
    action_statuses = ActionStatus.values  # a fresh list on every access: read it once
    first = _last("R") + 1
    new_risks: list[Risk] = []
    risk_assets, risk_controls, actions = [], [], []
    for i in range(risks):
        number = first + i
        threat = rng.choice(threats) if threats else None
        vuln = rng.choice(vulnerabilities) if vulnerabilities else None
        kind = RiskKind.OPPORTUNITY if rng.random() < 0.02 else RiskKind.RISK
        gap = vuln.name.lower() if vuln else "a known gap"
        risk = Risk(
            id=uuid.uuid4(), organisation_id=org.pk, ref=_ref("R", number), kind=kind,
            title=f"{threat.name if threat else 'Threat'} via {gap} #{number}"[:200],
            description="Generated for the benchmark.", threat_id=threat.pk if threat else None,
            vulnerability_id=vuln.pk if vuln else None, owner_id=rng.choice(owners).pk,
            methodology_id=current.pk,
            existing_controls=rng.choice(["", "Backups; antivirus.", "Access reviews yearly."]),
            created_at=now - dt.timedelta(days=rng.randint(0, 900)),
            next_review=today + dt.timedelta(days=rng.randint(-60, 365)),
        )  # fmt: skip
        if kind == RiskKind.RISK and rng.random() < 0.97:
            li, im = _scale_point(rng, n_li), _scale_point(rng, n_im)
            inherent = method.level_for(li, im)
            risk.inherent_likelihood, risk.inherent_impact = li, im
            risk.inherent_level, risk.inherent_order = inherent.key, inherent.order
            risk.treatment = rng.choices(treatments, weights=treatment_weights)[0]
            risk.status = RiskStatus.ASSESSED
        if risk.treatment:
            rl, ri = rng.randint(1, risk.inherent_likelihood), rng.randint(1, risk.inherent_impact)
            residual = method.level_for(rl, ri)
            if residual.order > risk.inherent_order:  # a method need not be monotone
                rl, ri, residual = risk.inherent_likelihood, risk.inherent_impact, inherent
            risk.residual_likelihood, risk.residual_impact = rl, ri
            risk.residual_level, risk.residual_order = residual.key, residual.order
            risk.treatment_rationale = "Generated for the benchmark."
            risk.status = rng.choices(
                [RiskStatus.TREATMENT_PLANNED, RiskStatus.TREATING, RiskStatus.CLOSED],
                weights=[30, 60, 10],
            )[0]
            if risk.treatment == Treatment.ACCEPT and rng.random() < 0.8:
                risk.status, risk.accepted_at = RiskStatus.ACCEPTED, risk.created_at
        new_risks.append(risk)
        for asset_id in rng.sample(asset_ids, min(rng.randint(1, 3), len(asset_ids))):
            risk_assets.append(Risk.assets.through(risk_id=risk.id, asset_id=asset_id))
        chosen = rng.sample(controls, rng.randint(1, 4)) if risk.treatment else []
        for control in chosen:
            risk_controls.append(Risk.controls.through(risk_id=risk.id, requirement_id=control.id))
        if risk.treatment == Treatment.MITIGATE:
            for n in range(rng.choices([0, 1, 2, 3], weights=[15, 45, 30, 10])[0]):
                status = rng.choices(action_statuses, weights=[45, 35, 17, 3])[0]
                if risk.status == RiskStatus.CLOSED:
                    status = ActionStatus.DONE
                actions.append(
                    TreatmentAction(
                        organisation_id=org.pk, risk_id=risk.id,
                        title=f"Action {n + 1} for {risk.ref}", owner_id=rng.choice(owners).pk,
                        due_date=today + dt.timedelta(days=rng.randint(-90, 270)), status=status,
                        control_id=chosen[n % len(chosen)].id,
                        completed_at=now if status == ActionStatus.DONE else None,
                        created_at=risk.created_at,
                    )
                )  # fmt: skip

    _bulk(Risk, new_risks)
    if new_risks:
        reserve_at_least(org, "R", first + len(new_risks) - 1)
    out.risks = len(new_risks)
    out.asset_links = _bulk_links(Risk.assets.through, risk_assets, "risk–asset links")
    out.control_links = _bulk_links(Risk.controls.through, risk_controls, "risk–control links")
    _bulk(
        RiskScoreHistory,
        [
            RiskScoreHistory(
                organisation_id=org.pk,
                risk_id=r.id,
                methodology_version=current.version,
                reason="created",
                at=r.created_at,
                inherent_likelihood=r.inherent_likelihood,
                inherent_impact=r.inherent_impact,
                inherent_level=r.inherent_level,
                residual_likelihood=r.residual_likelihood,
                residual_impact=r.residual_impact,
                residual_level=r.residual_level,
            )  # fmt: skip
            for r in new_risks
        ],
    )
    out.actions = len(_bulk(TreatmentAction, actions))
    if approvers:
        accepted = [r for r in new_risks if r.status == RiskStatus.ACCEPTED]
        signed = [_acceptance(r, *rng.choice(approvers)) for r in accepted]
        out.approvals = len(_bulk(Approval, signed))
    return out


def _acceptance(risk: Risk, approver: Any, role: str) -> Approval:
    """The sign-off ``services.risks.accept_risk`` would have recorded for ``risk``."""
    return Approval(
        organisation_id=risk.organisation_id, subject_type="risk.risk", subject_id=str(risk.pk),
        subject_repr=str(risk)[:200], kind=ACCEPTANCE_KIND, content_hash=content_hash(risk),
        version_label=risk.residual_level, approver=approver, approver_role=role,
        decision="approved", comment="Generated for the benchmark.", decided_at=risk.accepted_at,
    )  # fmt: skip
