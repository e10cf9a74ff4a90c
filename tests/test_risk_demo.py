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
    assets = Asset.objects.select_related("classification", "owner")
    assert assets.count() == len(data["assets"]) >= 40
    assert all(a.ref.startswith("A-") for a in assets)
    assert all(a.classification is not None for a in assets), "classification names unmapped"
    assert {a.classification.name for a in assets} <= set(data["classification_levels"])
    assert all(a.owner is not None for a in assets)
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


def test_accepted_risks_carry_the_approvers_sign_off(demo):
    accepted = Risk.objects.filter(status=RiskStatus.ACCEPTED)
    expected = sum(1 for r in load_data()["risks"] if r["status"] == "accepted")
    assert accepted.count() == expected >= 5
    assert not accepted.filter(accepted_at=None).exists()
    approvals = Approval.objects.filter(kind=ACCEPTANCE_KIND)
    assert approvals.count() == expected
    assert {a.approver.username for a in approvals} == {"approver"}
    assert {a.subject_id for a in approvals} == {str(r.pk) for r in accepted}
    # The trail shows top management accepting, not an anonymous script.
    trail = AuditEntry.objects.filter(action="approved", object_type="risk.risk")
    assert trail.count() == expected
    assert {e.actor.username for e in trail} == {"approver"}


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
