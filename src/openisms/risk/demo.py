"""Demo inventory, register and treatment plan for the demo organisation.

Loaded from ``data/demo.json`` through the same services a user's edits go through, so the demo
shows what the product really produces: refs from the sequences, scores from the current method,
score history, a complete audit trail and real sign-offs for the accepted risks.

Idempotent by design: once the organisation has any asset or risk, the builder leaves it alone
(re-running must neither duplicate records nor undo what someone changed while trying the demo).

The story (dates from :class:`openisms.core.demo.When`): the ISMS manager proposes a method
tailored to the company and top management approves it; the assets, then the risks are
assessed; accepted risks are signed by their owner where the method lets the owner's role accept
that level (else by the lowest role it authorises); actions progress; the owners confirm their
part of the treatment plan and top management approves it, after the last action moved.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model

from openisms.core.context import acting_as
from openisms.core.demo import DemoStep, When, schedule
from openisms.core.models import Membership, Organisation

DEMO_DATA = Path(__file__).resolve().parent / "data" / "demo.json"
# Top management: approves the method and the plan, and accepts what only it may accept.
ACCEPTING_USER = "approver"
METHOD_AUTHOR = "manager"
# The method the ISMS manager proposes: the shipped 5 × 5 method with the impact scale told in
# the company's own terms (production hours, deliveries, customers).
IMPACT_WORDS = [
    "No effect on production, deliveries or customers; fixed within the working day.",
    "Up to 4 hours of lost production or a late delivery to one customer; no data leaves.",
    "A production line or the web shop down for up to a day, several customers affected, or a "
    "personal data breach that must be reported.",
    "Production stopped for several days, an OEM customer's designs or firmware exposed, or a "
    "fine or contractual penalty above EUR 100,000.",
    "Production stopped for weeks, loss of a key OEM customer or of our sensor designs, or "
    "harm to people from a tampered product.",
]
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


def build_demo(org: Organisation) -> list[DemoStep]:
    """The risk module's steps for the demo organisation (none once it has assets or risks)."""
    from openisms.risk.models import Asset, Risk
    from openisms.risk.services.setup import seed_organisation

    seed_organisation(org)
    if Asset.objects.exists() or Risk.objects.exists():
        return []
    data = load_data()
    names = _usernames(data) | {METHOD_AUTHOR}
    users = {u.username: u for u in get_user_model().objects.filter(username__in=names)}
    built: dict[str, Any] = {}

    def assess() -> None:
        built["risks"] = _build_risks(data["risks"], users, built["assets"])
        _build_opportunities(data.get("opportunities", []), users)

    steps = [
        DemoStep(When.METHOD_PROPOSED, lambda: _propose_method(users), "risk method proposed"),
        DemoStep(When.METHOD_APPROVED, lambda: _approve_method(users), "risk method approved"),
        DemoStep(
            When.ASSETS,
            lambda: built.update(assets=_build_assets(data["assets"], users)),
            "asset inventory",
        ),  # fmt: skip
        DemoStep(When.RISKS, assess, "risk assessment"),
        DemoStep(When.RISKS_ACCEPTED, lambda: _accept(built["risks"], users), "acceptances"),
        *_action_steps(data["risks"], built),
        DemoStep(When.PLAN_SIGNED_BY_OWNERS, lambda: _owners_sign(users), "owners sign plan"),
        DemoStep(When.PLAN_APPROVED, lambda: _approve_plan(users), "treatment plan approved"),
    ]
    return schedule(steps)


def _propose_method(users: dict[str, Any]) -> None:
    from openisms.risk.scoring import default_method
    from openisms.risk.services import methodology

    author = users.get(METHOD_AUTHOR)
    if author is None:
        return
    data = default_method()
    for point, words in zip(data["impact"], IMPACT_WORDS, strict=True):
        point["description"] = words
    with acting_as(author):
        methodology.propose(
            data, user=author,
            note="Impact scale told in production hours, deliveries and customers; acceptance "
            "up to Medium; every risk reviewed at least yearly and after major changes.",
        )  # fmt: skip


def _approve_method(users: dict[str, Any]) -> None:
    from openisms.core.permissions import Role
    from openisms.risk.services import methodology

    approver, pending = users.get(ACCEPTING_USER), methodology.draft()
    if approver is None or pending is None:
        return
    with acting_as(approver):
        methodology.approve(
            pending, approver=approver, role=Role.APPROVER,
            comment="Approved: scales and acceptance criteria fit our business; the ISMS "
            "manager applies it from the asset inventory on.",
        )  # fmt: skip


def _who(users: dict[str, Any], name: str | None) -> Any:
    """An owner in the demo data: a login's username (its person), or a person of the staff
    register by full name (most staff have no login)."""
    from openisms.people.models import Person

    if not name:
        return None
    return users.get(name) or Person.objects.filter(full_name=name).first()


def _usernames(data: dict[str, Any]) -> set[str]:
    names = {ACCEPTING_USER, "manager", "contributor"}
    for item in data["assets"]:
        names |= {item.get("owner"), item.get("custodian")}
    for item in [*data["risks"], *data.get("opportunities", [])]:
        names.add(item.get("owner"))
        names |= {a.get("owner") for a in item.get("actions", [])}
    return {n for n in names if n}


def _build_assets(items: list[dict[str, Any]], users: dict[str, Any]) -> dict[str, Any]:
    from openisms.leadership.models import IsmsRole
    from openisms.risk.models import ClassificationLevel
    from openisms.risk.services.assets import create_asset, update_asset

    # By name, case-insensitively: the organisation owns its levels; a level it renamed or
    # removed leaves the demo asset unclassified rather than inventing a level.
    levels = {c.name.casefold(): c for c in ClassificationLevel.objects.all()}
    roles = {r.name: r for r in IsmsRole.objects.all()}
    assets: dict[str, Any] = {}
    for item in items:
        values: dict[str, Any] = {k: item[k] for k in ASSET_FIELDS if k in item}
        values["owner"] = _who(users, item.get("owner"))
        values["custodian"] = _who(users, item.get("custodian"))
        values["owner_role"] = roles.get(item.get("owner_role") or "")
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
) -> list[tuple[dict[str, Any], Any, list[Any]]]:
    """Create the risks with their actions, all actions still planned (they progress in later
    steps); returns (data, risk, actions) per risk."""
    from openisms.core.demo import real_today
    from openisms.risk.models import RiskStatus, Threat, Vulnerability
    from openisms.risk.services.actions import create_action
    from openisms.risk.services.risks import create_risk

    threats = {t.code: t for t in Threat.objects.all()}
    vulnerabilities = {v.code: v for v in Vulnerability.objects.all()}
    today = real_today()
    built = []
    for item in items:
        values: dict[str, Any] = {k: item[k] for k in RISK_FIELDS if k in item}
        values["owner"] = _who(users, item.get("owner"))
        values["assets"] = [assets[name] for name in item.get("assets", [])]
        values["threat"] = threats.get(item.get("threat") or "")
        values["vulnerability"] = vulnerabilities.get(item.get("vulnerability") or "")
        status = item.get("status") or ""
        if status == RiskStatus.CLOSED and item.get("actions"):
            status = RiskStatus.TREATING  # closed once its last action is done (a later step)
        if status and status != RiskStatus.ACCEPTED:
            # Acceptance is not a field to set: it is a sign-off, given later.
            values["status"] = status
        risk = create_risk(values)
        actions = [
            create_action(
                risk,
                {
                    "title": action["title"],
                    "description": action.get("description", ""),
                    "owner": _who(users, action.get("owner")),
                    "due_date": today + dt.timedelta(days=int(action["due_in_days"])),
                    "status": "planned",
                    "control": action.get("control") or None,
                },
            )
            for action in item.get("actions", [])
        ]
        built.append((item, risk, actions))
    return built


def signer_for(risk: Any, users: dict[str, Any]) -> Any:
    """Who signs an acceptance: the risk owner when the method lets their role accept the
    level; otherwise the first authorised role among the ISMS manager and top management."""
    from openisms.core.context import require_org
    from openisms.core.permissions import Role

    method = risk.methodology.method
    level = method.level(risk.residual_level)
    roles = dict(
        Membership.objects.filter(organisation=require_org()).values_list("user_id", "role")
    )
    login = risk.owner.user if risk.owner_id else None
    if login and level and method.may_accept(level, roles.get(login.pk, "")):
        return login
    for username, role in (("manager", Role.ISMS_MANAGER), (ACCEPTING_USER, Role.APPROVER)):
        if level and method.may_accept(level, role) and users.get(username):
            return users[username]
    return None


def _accept(built: list[tuple[dict[str, Any], Any, list[Any]]], users: dict[str, Any]) -> None:
    from openisms.people.identity import display_name
    from openisms.risk.models import RiskStatus
    from openisms.risk.services.risks import accept_risk

    for item, risk, _ in built:
        if item.get("status") != RiskStatus.ACCEPTED:
            continue
        risk.refresh_from_db()
        signer = signer_for(risk, users)
        if signer is None:
            continue
        own = risk.owner_id is not None and signer.pk == risk.owner.user_id
        comment = (
            "Accepted as risk owner: the existing controls keep it within our criteria."
            if own
            else f"Accepted for the risk owner {display_name(risk.owner)}, whose role may "
            "not accept this level: within our criteria with the existing controls."
        )
        with acting_as(signer):
            accept_risk(risk, user=signer, comment=comment)


def _action_steps(items: list[dict[str, Any]], built: dict[str, Any]) -> list[DemoStep]:
    """Actions start over the months after the assessment and are done ten days before their
    due date (so the plan's approval covers them in their current state)."""
    steps = []
    for i, item in enumerate(items):
        last_done = None
        for j, action in enumerate(item.get("actions", [])):
            status = action.get("status", "planned")
            if status == "planned":
                continue
            due = int(action["due_in_days"])
            start = When.ACTIONS_STARTED - (7 * i + j) % 150
            done = max(10 - due, When.CONTROLS_REVIEWED + 1, 0)
            start = max(start, done + 1)
            steps.append(DemoStep(start, _mover(built, i, j, "in_progress"), "action started"))
            if status == "done":
                steps.append(DemoStep(done, _mover(built, i, j, "done"), "action done"))
                last_done = done if last_done is None else min(last_done, done)
        if item.get("status") == "closed" and last_done is not None:
            steps.append(DemoStep(last_done - 0.5, _closer(built, i), "risk closed"))
    return steps


def _closer(built: dict[str, Any], i: int) -> Any:
    def run() -> None:
        from openisms.risk.services.risks import update_risk

        risk = built["risks"][i][1]
        risk.refresh_from_db()
        update_risk(risk, {"status": "closed"})

    return run


def _mover(built: dict[str, Any], i: int, j: int, status: str) -> Any:
    def run() -> None:
        from openisms.risk.services.actions import update_action

        action = built["risks"][i][2][j]
        action.refresh_from_db()
        update_action(action, {"status": status})

    return run


def _owners_sign(users: dict[str, Any]) -> None:
    """Risk owners confirm their part of the plan before top management approves it (the
    managing director, who may approve plans, does so by signing it as a whole)."""
    from openisms.risk.models import Risk
    from openisms.risk.services.actions import sign_plan

    owners = set(Risk.objects.exclude(treatment="").values_list("owner__user__username", flat=True))
    for username in ("contributor", "manager", "owner"):
        user = users.get(username)
        if user is not None and username in owners:
            with acting_as(user):
                sign_plan(user=user, comment="My part of the plan: actions, owners and dates "
                          "agreed with the action owners.")  # fmt: skip


def _approve_plan(users: dict[str, Any]) -> None:
    from openisms.risk.services.actions import sign_plan

    approver = users.get(ACCEPTING_USER)
    if approver is None:
        return
    with acting_as(approver):
        sign_plan(
            user=approver,
            comment="Treatment plan approved with its residual risks; progress reported to "
            "top management every quarter.",
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
                "owner": _who(users, item.get("owner")),
            }
        )
