"""The demo organisation shows a living risk register, built through the services, once."""

from __future__ import annotations

import pytest
from django.utils import timezone

from openisms.core.context import org_context
from openisms.core.demo import ensure_demo
from openisms.core.models import Approval, AuditEntry
from openisms.risk.demo import load_data
from openisms.risk.models import (
    Asset,
    Risk,
    RiskKind,
    RiskScoreHistory,
    RiskStatus,
    TreatmentAction,
)
from openisms.risk.models.treatment import OPEN_ACTION_STATUSES
from openisms.risk.services.risks import ACCEPTANCE_KIND

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        "assets": Asset.objects.count(),
        "dependencies": Asset.depends_on.through.objects.filter(
            from_asset__in=Asset.objects.all()
        ).count(),
        "risks": Risk.objects.count(),
        "actions": TreatmentAction.objects.count(),
        "approvals": Approval.objects.count(),
        "history": RiskScoreHistory.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


@pytest.fixture
def demo():
    org = ensure_demo().organisation
    with org_context(org):
        yield org


def test_demo_has_a_living_register(demo):
    data = load_data()
    assets = Asset.objects.select_related("classification", "owner", "owner_role")
    assert assets.count() == len(data["assets"]) >= 40
    assert all(a.ref.startswith("A-") for a in assets)
    assert all(a.classification is not None for a in assets), "classification names unmapped"
    assert {a.classification.name for a in assets} <= set(data["classification_levels"])
    assert all(a.owned_by is not None for a in assets)
    # Staff without a login own assets, and an ISMS role stands as owner of some.
    assert any(a.owner and a.owner.user_id is None for a in assets)
    assert any(a.owner_role is not None for a in assets)
    erp = Asset.objects.get(name="Customer master data")
    assert {d.name for d in erp.depends_on.all()} == {"ERP system", "CRM system (SaaS)"}

    risks = Risk.objects.filter(kind=RiskKind.RISK)
    assert risks.count() == len(data["risks"]) >= 60
    treated = risks.exclude(treatment="").exclude(residual_level="")
    assert treated.count() >= 60
    assert not risks.filter(inherent_level="").exists(), "every demo risk is scored"
    assert not risks.filter(assets=None).exists(), "every demo risk concerns an asset"
    assert risks.exclude(controls=None).count() >= 60, "treatments name Annex A controls"
    assert RiskScoreHistory.objects.filter(reason="created").count() == Risk.objects.count()
    assert Risk.objects.filter(kind=RiskKind.OPPORTUNITY).count() == len(data["opportunities"])

    today = timezone.localdate()
    actions = TreatmentAction.objects.all()
    assert actions.count() == sum(len(r["actions"]) for r in data["risks"])
    overdue = actions.filter(status__in=OPEN_ACTION_STATUSES, due_date__lt=today)
    assert overdue.count() >= 3
    assert actions.filter(status__in=OPEN_ACTION_STATUSES, due_date__gte=today).exists()
    assert actions.filter(status="done").exclude(completed_at=None).exists()


def test_accepted_risks_are_signed_by_the_role_the_method_authorises(demo):
    """The risk owner signs where the method lets their role accept the level, else the first
    authorised role — never top management for everyone; the trail shows who signed."""
    from openisms.core.models import Membership

    accepted = Risk.objects.filter(status=RiskStatus.ACCEPTED).select_related("methodology")
    expected = sum(1 for r in load_data()["risks"] if r["status"] == "accepted")
    assert accepted.count() == expected >= 5
    assert not accepted.filter(accepted_at=None).exists()
    approvals = {a.subject_id: a for a in Approval.objects.filter(kind=ACCEPTANCE_KIND)}
    assert set(approvals) == {str(r.pk) for r in accepted}
    roles = dict(Membership.objects.filter(organisation=demo).values_list("user_id", "role"))
    by_owner = 0
    for risk in accepted:
        approval = approvals[str(risk.pk)]
        method = risk.methodology.method
        level = method.level(risk.residual_level)
        assert method.within_criteria(level), risk.ref
        assert method.may_accept(level, approval.approver_role), risk.ref
        assert approval.approver_role == roles[approval.approver_id]
        if method.may_accept(level, roles.get(risk.owner.user_id, "")):
            assert approval.approver_id == risk.owner.user_id, f"{risk.ref}: owner may accept"
            by_owner += 1
        # Accepted as it is: no treatment applied, so the residual is the inherent score.
        assert (risk.residual_likelihood, risk.residual_impact) == (
            risk.inherent_likelihood, risk.inherent_impact,
        )  # fmt: skip
    assert by_owner > expected // 2
    assert len({a.approver_id for a in approvals.values()}) > 1
    trail = AuditEntry.objects.filter(action="approved", object_type="risk.risk")
    assert trail.count() == expected
    assert {e.actor_id for e in trail} == {a.approver_id for a in approvals.values()}


def test_second_run_changes_nothing(demo):
    before = counts()
    refs = sorted(Risk.objects.values_list("ref", flat=True))
    ensure_demo()
    with org_context(demo):
        assert counts() == before
        assert sorted(Risk.objects.values_list("ref", flat=True)) == refs


def test_builder_leaves_an_organisation_with_records_alone(demo):
    """Someone trying the demo deleted and changed things: a re-run restores nothing over it."""
    from openisms.risk.services.risks import delete_risk, update_risk

    risk = Risk.objects.filter(status=RiskStatus.TREATING).first()
    update_risk(risk, {"title": "Renamed while trying the demo"})
    delete_risk(Risk.objects.filter(kind=RiskKind.OPPORTUNITY).first())
    before = counts()
    ensure_demo()
    with org_context(demo):
        assert counts() == before
        titles = list(Risk.objects.values_list("title", flat=True))
        assert len(titles) == len(set(titles)), "a re-run duplicated demo risks"
        risk.refresh_from_db()
        assert risk.title == "Renamed while trying the demo"
