"""Risk services: scoring on save, method changes with re-scoring and history, acceptance rules,
the treatment plan's sign-offs, per-organisation references."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from openisms.core.context import acting_as, org_context
from openisms.core.models import Approval
from openisms.core.permissions import Role
from openisms.core.services.approvals import ApprovalRefused
from openisms.risk.models import Methodology, Risk, RiskScoreHistory, RiskStatus, Threat
from openisms.risk.scoring import default_method
from openisms.risk.services import actions, methodology, risks
from openisms.risk.services.assets import create_asset

pytestmark = pytest.mark.django_db


def four_by_four() -> dict:
    raw = default_method()
    raw["likelihood"] = [{"label": x} for x in ("Seldom", "Sometimes", "Often", "Always")]
    raw["impact"] = [{"label": x} for x in ("Small", "Medium", "Large", "Huge")]
    raw["matrix"] = [
        ["low", "low", "medium", "high"],
        ["low", "medium", "high", "high"],
        ["medium", "high", "high", "critical"],
        ["high", "high", "critical", "critical"],
    ]
    return raw


def test_new_organisation_starts_with_method_libraries_and_plan(org_a):
    with org_context(org_a):
        current = methodology.current()
        assert current.version == 1 and current.method.level_for(5, 5).key == "critical"
        assert Threat.objects.count() >= 40
        assert Threat.objects.get(code="T01").controls.exists()
        assert actions.plan() is not None


def test_risk_is_scored_and_referenced(org_a, org_b, members_a):
    with org_context(org_a), acting_as(members_a[Role.ISMS_MANAGER]):
        asset = create_asset({"name": "ERP", "type": "software", "owner": members_a[Role.OWNER]})
        risk = risks.create_risk({
            "title": "Ransomware on ERP", "assets": [asset], "inherent_likelihood": 4,
            "inherent_impact": 4, "treatment": "mitigate", "controls": ["A.8.7", "A.8.13"],
            "residual_likelihood": 2, "residual_impact": 3, "owner": members_a[Role.CONTRIBUTOR],
        })  # fmt: skip
        assert (risk.ref, asset.ref) == ("R-0001", "A-0001")
        assert (risk.inherent_level, risk.residual_level) == ("high", "medium")
        assert risk.status == RiskStatus.ASSESSED and risk.next_review > timezone.localdate()
        assert sorted(c.ref for c in risk.controls.all()) == ["A.8.13", "A.8.7"]
        assert risks.create_risk({"title": "Second"}).ref == "R-0002"
    with org_context(org_b):
        assert risks.create_risk({"title": "Other org starts at one"}).ref == "R-0001"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x", "inherent_likelihood": 6, "inherent_impact": 1}, "inherent_likelihood"),
        ({"title": "x", "inherent_likelihood": 3}, "inherent_impact"),
        ({"title": "x", "inherent_likelihood": 1, "inherent_impact": 1,
          "residual_likelihood": 5, "residual_impact": 5}, "residual_likelihood"),
        ({"title": "x", "controls": ["A.5.99"]}, "controls"),
        ({"title": "x", "treatment": "ignore"}, "treatment"),
        ({"title": "x", "status": "accepted"}, "status"),
        ({"title": "x\x00"}, "title"),
    ],
)  # fmt: skip
def test_bad_risks_are_refused_and_nothing_is_written(org_a, data, field):
    with org_context(org_a):
        with pytest.raises(ValidationError) as exc:
            risks.create_risk(data)
        assert field in exc.value.message_dict
        assert Risk.objects.count() == 0


def test_owner_must_be_a_member(org_a, members_b):
    with org_context(org_a), pytest.raises(ValidationError, match="not a member"):
        risks.create_risk({"title": "x", "owner": members_b[Role.OWNER]})


def test_foreign_assets_and_threats_are_refused(org_a, org_b):
    with org_context(org_b):
        foreign_asset = create_asset({"name": "B server", "type": "hardware"})
        foreign_threat = Threat.objects.first()
    with org_context(org_a):
        with pytest.raises(ValidationError):
            risks.create_risk({"title": "x", "assets": [foreign_asset]})
        with pytest.raises(ValidationError):
            risks.create_risk({"title": "x", "threat": foreign_threat})


def test_method_change_rescores_and_keeps_history(org_a, members_a):
    manager, approver = members_a[Role.ISMS_MANAGER], members_a[Role.APPROVER]
    with org_context(org_a):
        with acting_as(manager):
            risk = risks.create_risk({"title": "Flood", "inherent_likelihood": 5,
                                      "inherent_impact": 5, "residual_likelihood": 3,
                                      "residual_impact": 2})  # fmt: skip
            draft = methodology.propose(four_by_four(), note="4 × 4 is enough", user=manager)
        assert draft.status == "draft" and methodology.current().version == 1
        with pytest.raises(ApprovalRefused, match="segregation"), acting_as(manager):
            methodology.approve(draft, approver=manager, role=Role.OWNER)
        with acting_as(approver):
            methodology.approve(draft, approver=approver, role=Role.APPROVER)
        assert methodology.current().version == 2
        assert Methodology.objects.get(version=1).status == "superseded"
        risk.refresh_from_db()
        assert (risk.inherent_likelihood, risk.inherent_impact, risk.inherent_level) == (
            4,
            4,
            "critical",
        )
        assert (risk.residual_likelihood, risk.residual_impact) == (3, 2)
        assert risk.methodology.version == 2
        history = list(RiskScoreHistory.objects.filter(risk=risk).order_by("at"))
        assert [h.methodology_version for h in history] == [1, 2]
        assert history[0].inherent_likelihood == 5 and history[1].inherent_likelihood == 4
        assert methodology.approval_state(methodology.current())["state"] == "approved"


def test_invalid_method_proposal_writes_nothing(org_a, members_a):
    raw = default_method()
    raw["levels"][0]["colour"] = "red"
    with org_context(org_a), pytest.raises(ValidationError):
        methodology.propose(raw, note="", user=members_a[Role.ISMS_MANAGER])
    with org_context(org_a):
        assert Methodology.objects.count() == 1


def test_acceptance_follows_the_criteria(org_a, members_a):
    with org_context(org_a):
        with acting_as(members_a[Role.ISMS_MANAGER]):
            high = risks.create_risk({"title": "High residual", "inherent_likelihood": 4,
                                      "inherent_impact": 4, "residual_likelihood": 4,
                                      "residual_impact": 4, "treatment": "accept"})  # fmt: skip
            low = risks.create_risk({"title": "Low residual", "inherent_likelihood": 2,
                                     "inherent_impact": 2, "residual_likelihood": 1,
                                     "residual_impact": 2, "treatment": "accept"})  # fmt: skip
        for role in (Role.CONTRIBUTOR, Role.ISMS_MANAGER):
            with pytest.raises(ApprovalRefused, match="above the acceptance criteria"):
                risks.accept_risk(high, user=members_a[role])
        approval = risks.accept_risk(high, user=members_a[Role.APPROVER], comment="Budget 2027")
        high.refresh_from_db()
        assert high.status == RiskStatus.ACCEPTED and approval.kind == "risk_acceptance"
        risks.accept_risk(low, user=members_a[Role.CONTRIBUTOR])
        with pytest.raises(ApprovalRefused):
            risks.accept_risk(low, user=members_a[Role.VIEWER])
        # The author of a risk cannot accept it, whatever their role.
        with acting_as(members_a[Role.OWNER]):
            own = risks.create_risk({"title": "Owner's", "inherent_likelihood": 1,
                                     "inherent_impact": 1, "residual_likelihood": 1,
                                     "residual_impact": 1})  # fmt: skip
        with pytest.raises(ApprovalRefused, match="segregation"):
            risks.accept_risk(own, user=members_a[Role.OWNER])
        # Changing the accepted scores withdraws the acceptance.
        risks.update_risk(high, {"residual_likelihood": 3})
        assert high.status == RiskStatus.ASSESSED


def test_treatment_plan_sign_offs(org_a, members_a):
    contributor, approver = members_a[Role.CONTRIBUTOR], members_a[Role.APPROVER]
    with org_context(org_a):
        with acting_as(members_a[Role.ISMS_MANAGER]):
            risk = risks.create_risk({"title": "Phishing", "treatment": "mitigate",
                                      "owner": contributor, "inherent_likelihood": 4,
                                      "inherent_impact": 3})  # fmt: skip
            action = actions.create_action(risk, {
                "title": "Phishing simulation", "owner": contributor, "control": "A.6.3",
                "due_date": timezone.localdate() - dt.timedelta(days=3),
            })  # fmt: skip
        assert action.is_overdue
        status = actions.plan_status()
        assert status["owners_pending"] == ["a-contributor"] and not status["approved"]
        with pytest.raises(ApprovalRefused):
            actions.sign_plan(user=members_a[Role.VIEWER])
        actions.sign_plan(user=contributor)
        actions.sign_plan(user=approver, comment="Go")
        assert actions.plan_status()["approved"]
        actions.update_action(action, {"status": "done"})
        # Content changed: the signatures no longer cover the plan.
        status = actions.plan_status()
        assert not status["approved"] and status["owners_pending"] == ["a-contributor"]
        assert Approval.objects.filter(subject_type="risk.treatmentplan").count() == 2
