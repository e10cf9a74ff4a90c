"""Demo inventory, register and treatment plan for the demo organisation.

Loaded from ``data/demo.json`` through the same services a user's edits go through, so the demo
shows what the product really produces: refs from the sequences, scores from the current method,
score history, a complete audit trail and real sign-offs for the accepted risks.

Idempotent by design: once the organisation has any asset or risk, the builder leaves it alone
(re-running must neither duplicate records nor undo what someone changed while trying the demo).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from openisms.core.context import acting_as
from openisms.core.models import Organisation

DEMO_DATA = Path(__file__).resolve().parent / "data" / "demo.json"
# Who signs off the accepted residual risks: top management may accept every level of the
# default method, and is never an author of the demo records (segregation of duties holds).
ACCEPTING_USER = "approver"
ASSET_FIELDS = (
    "name", "type", "description", "location", "confidentiality", "integrity", "availability",
    "lifecycle", "tags",
)  # fmt: skip
RISK_FIELDS = (
    "title", "description", "existing_controls", "inherent_likelihood", "inherent_impact",
    "treatment", "treatment_rationale", "controls", "residual_likelihood", "residual_impact",
)  # fmt: skip


def load_data() -> dict[str, Any]:
    return json.loads(DEMO_DATA.read_text(encoding="utf-8"))


def build_demo(org: Organisation) -> None:
    """Fill the demo organisation's risk module (runs inside its organisation context)."""
    from openisms.risk.models import Asset, Risk
    from openisms.risk.services.setup import seed_organisation

    seed_organisation(org)
    if Asset.objects.exists() or Risk.objects.exists():
        return
    data = load_data()
    users = {u.username: u for u in get_user_model().objects.filter(username__in=_usernames(data))}
    assets = _build_assets(data["assets"], users)
    _build_risks(data["risks"], users, assets)
    _build_opportunities(data.get("opportunities", []), users)


def _usernames(data: dict[str, Any]) -> set[str]:
    names = {ACCEPTING_USER}
    for item in data["assets"]:
        names |= {item.get("owner"), item.get("custodian")}
    for item in [*data["risks"], *data.get("opportunities", [])]:
        names.add(item.get("owner"))
        names |= {a.get("owner") for a in item.get("actions", [])}
    return {n for n in names if n}


def _build_assets(items: list[dict[str, Any]], users: dict[str, Any]) -> dict[str, Any]:
    from openisms.risk.models import ClassificationLevel
    from openisms.risk.services.assets import create_asset, update_asset

    # By name, case-insensitively: the organisation owns its levels; a level it renamed or
    # removed leaves the demo asset unclassified rather than inventing a level.
    levels = {c.name.casefold(): c for c in ClassificationLevel.objects.all()}
    assets: dict[str, Any] = {}
    for item in items:
        values: dict[str, Any] = {k: item[k] for k in ASSET_FIELDS if k in item}
        values["owner"] = users.get(item.get("owner") or "")
        values["custodian"] = users.get(item.get("custodian") or "")
        values["classification"] = levels.get((item.get("classification") or "").casefold())
        assets[item["name"]] = create_asset(values)
    # Dependencies point at assets anywhere in the list, so they are set once all exist.
    for item in items:
        if item.get("depends_on"):
            deps = [assets[name] for name in item["depends_on"]]
            update_asset(assets[item["name"]], {"depends_on": deps})
    return assets


def _build_risks(
    items: list[dict[str, Any]], users: dict[str, Any], assets: dict[str, Any]
) -> None:
    from openisms.risk.models import RiskStatus, Threat, Vulnerability
    from openisms.risk.services.actions import create_action
    from openisms.risk.services.risks import accept_risk, create_risk

    threats = {t.code: t for t in Threat.objects.all()}
    vulnerabilities = {v.code: v for v in Vulnerability.objects.all()}
    today = timezone.localdate()
    approver = users[ACCEPTING_USER]
    for item in items:
        values: dict[str, Any] = {k: item[k] for k in RISK_FIELDS if k in item}
        values["owner"] = users.get(item.get("owner") or "")
        values["assets"] = [assets[name] for name in item.get("assets", [])]
        values["threat"] = threats.get(item.get("threat") or "")
        values["vulnerability"] = vulnerabilities.get(item.get("vulnerability") or "")
        status = item.get("status") or ""
        if status and status != RiskStatus.ACCEPTED:
            # Acceptance is not a field to set: it is a sign-off, given below.
            values["status"] = status
        risk = create_risk(values)
        for action in item.get("actions", []):
            create_action(
                risk,
                {
                    "title": action["title"],
                    "description": action.get("description", ""),
                    "owner": users.get(action.get("owner") or ""),
                    "due_date": today + dt.timedelta(days=int(action["due_in_days"])),
                    "status": action.get("status", "planned"),
                    "control": action.get("control") or None,
                },
            )
        if status == RiskStatus.ACCEPTED:
            # The trail should show top management accepting, as it would in real use.
            with acting_as(approver):
                accept_risk(
                    risk,
                    user=approver,
                    comment="Residual risk reviewed at the management review and accepted.",
                )


def _build_opportunities(items: list[dict[str, Any]], users: dict[str, Any]) -> None:
    from openisms.risk.models import RiskKind
    from openisms.risk.services.risks import create_risk

    for item in items:
        create_risk(
            {
                "kind": RiskKind.OPPORTUNITY,
                "title": item["title"],
                "description": item.get("description", ""),
                "owner": users.get(item.get("owner") or ""),
            }
        )
