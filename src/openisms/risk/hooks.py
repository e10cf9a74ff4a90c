"""Plugs the risk module into the core: new organisations, the demo, the navigation."""

from __future__ import annotations

from typing import Any


def approved_method() -> Any:
    """Getting started, step 3: top management has approved a version of the risk method (an
    approved version comes into force at once; the checklist says whether it is still current)."""
    from openisms.core.models import Approval
    from openisms.core.models.approval import Decision
    from openisms.risk.services.methodology import APPROVAL_KIND

    return Approval.objects.filter(
        subject_type="risk.methodology", kind=APPROVAL_KIND, decision=Decision.APPROVED
    )


def any_asset() -> Any:
    from openisms.risk.models import Asset

    return Asset.objects.all()


def assessed_risk() -> Any:
    from openisms.risk.models import Risk

    return Risk.objects.filter(inherent_likelihood__isnull=False, inherent_impact__isnull=False)


def register() -> None:
    from openisms.core import demo, navigation
    from openisms.core.navigation import NavItem
    from openisms.core.services.organisations import ORGANISATION_CREATED
    from openisms.risk import cli_exports, inbox_kinds
    from openisms.risk.demo import build_demo
    from openisms.risk.services.setup import seed_organisation

    ORGANISATION_CREATED.append(seed_organisation)
    cli_exports.register()
    inbox_kinds.register()
    demo.DEMO_BUILDERS.append(build_demo)
    from openisms.core import getting_started as gs

    for step in [
        gs.Step(
            30, "method", "Approve the risk method",
            "Check the scales, matrix and acceptance criteria; top management approves them.",
            "core:risk:methodology", "records.view", approved_method, "Open the risk method",
        ),
        gs.Step(
            40, "assets", "Record your assets",
            "Add the information, systems and services the scope covers, or import a register.",
            "core:risk:asset_create", "records.create", any_asset, "Add an asset",
        ),
        gs.Step(
            50, "risks", "Assess the risks",
            "Record a risk with its likelihood and impact, or import a register.",
            "core:risk:risk_create", "records.create", assessed_risk, "Add a risk",
        ),
    ]:  # fmt: skip
        gs.register(step)
    for label, url_name, action in [
        ("Risk overview", "core:risk:overview", "records.view"),
        ("Risk method", "core:risk:methodology", "records.view"),
        ("Assets", "core:risk:assets", "records.view"),
        ("Risk register", "core:risk:register", "records.view"),
        ("Treatment plan", "core:risk:plan", "records.view"),
        ("My risks", "core:risk:mine", "records.view"),
        ("Risk validation", "core:risk:validation", "records.view"),
        ("Threats & vulnerabilities", "core:risk:library", "records.view"),
        ("Classification scheme", "core:risk:classification", "records.view"),
    ]:
        navigation.register("planning", NavItem(label, url_name, action))
