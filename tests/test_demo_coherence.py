"""The demo is what a well-run company would show a certification auditor: no blocking
finding, only the warnings it keeps on purpose, approvals in the right order by the right role,
dates that agree, complete document control data, file evidence with its hash."""

from __future__ import annotations

import hashlib

import pytest
from django.utils import timezone

from openisms.core.context import org_context
from openisms.core.demo import ensure_demo
from openisms.core.models import Approval, AuditEntry

pytestmark = pytest.mark.django_db

# Warnings the demo keeps on purpose, so the validation panels have something to show:
# (rule, record) — a late control and a piece of evidence past its validity.
DELIBERATE_SOA_WARNINGS = {("overdue", "A.8.9"), ("expired_evidence", "A.7.13")}
DELIBERATE_RISK_WARNINGS: set[tuple[str, str]] = set()
# Controls an auditor saw "not started" although policies, training or laws show them in place.
SHOWN_IN_PLACE = ("A.5.19", "A.5.20", "A.6.2", "A.6.3", "A.8.1")


@pytest.fixture
def demo():
    org = ensure_demo().organisation
    with org_context(org):
        yield org


def test_validation_finds_only_the_deliberate_warnings(demo):
    from openisms.controls import validation as soa_validation
    from openisms.controls.models import Control
    from openisms.risk import validation as risk_validation

    soa = soa_validation.findings()
    assert [f for f in soa if f.blocking] == []
    assert {(f.rule, f.control_ref) for f in soa} == DELIBERATE_SOA_WARNINGS
    risks = risk_validation.findings()
    assert [f for f in risks if f.blocking] == [] and risk_validation.blocking() == []
    assert {(f.code, f.record.split(" ", 1)[0]) for f in risks} == DELIBERATE_RISK_WARNINGS
    assert risk_validation.governance_findings() == []

    statuses = dict(Control.objects.filter(ref__in=SHOWN_IN_PLACE).values_list("ref", "status"))
    assert "not_started" not in statuses.values() and len(statuses) == len(SHOWN_IN_PLACE)
    # Every applicable Annex A control says in the company's words how it is implemented.
    applicable = Control.objects.filter(applicable=True).exclude(status="not_started")
    assert not applicable.filter(implementation="").exists()
    texts = list(applicable.values_list("implementation", flat=True))
    assert len(set(texts)) == len(texts)


def test_approvals_in_order_by_the_authorised_role(demo):
    from openisms.context.selectors import approved_scope
    from openisms.controls.models import SoaVersion
    from openisms.core.permissions import Role
    from openisms.documents.models import Document, DocumentVersion
    from openisms.leadership.models import Commitment
    from openisms.risk import validation as risk_validation
    from openisms.risk.models import Risk
    from openisms.risk.services.actions import plan_status

    def approval(kind: str) -> Approval:
        found = Approval.objects.filter(kind=kind, decision="approved").order_by("decided_at")
        assert found.exists(), kind
        return found.last()

    scope, method, plan, soa = (approval(k) for k in (
        "scope", "risk_methodology", "treatment_plan", "soa"))  # fmt: skip
    for item in (scope, method, plan, soa):
        assert item.approver.username == "approver" and item.approver_role == Role.APPROVER
        assert item.author_id != item.approver_id  # segregation of duties
    current, approved = risk_validation.method_approved()
    assert approved and current.created_by.username == "manager"
    assert risk_validation.plan_approved()
    status = plan_status()
    assert status["approved"] and status["owners_pending"] == []

    policies = Approval.objects.filter(kind="document").order_by("decided_at")
    first_risk = Risk.objects.order_by("created_at").first().created_at
    frozen = SoaVersion.objects.get(number=1)
    assert approved_scope() is not None
    # scope → policies → method → risk assessment → plan → SoA frozen → SoA approved
    order = [scope.decided_at, policies.first().decided_at, method.decided_at, first_risk,
             plan.decided_at, frozen.frozen_at, soa.decided_at]  # fmt: skip
    assert order == sorted(order)
    assert soa.decided_at <= timezone.now()
    assert frozen.status == "approved"
    # The approved SoA cites the documents and requirements the registers link.
    assert sum(1 for row in frozen.rows if row["documents"]) >= 60
    assert sum(1 for row in frozen.rows if "Required by" in row["justification"]) >= 20

    for version in DocumentVersion.objects.exclude(published_at=None):
        assert version.approved_at is not None and version.approved_at <= version.published_at
    # No sign-off cites a meeting the records do not hold.
    assert not Approval.objects.filter(comment__icontains="management review").exists()
    isp = Document.objects.get(template_key="information-security-policy").published_version
    signed = Commitment.objects.get(title__icontains="information security policy")
    assert signed.date == timezone.localdate(isp.approved_at)

    # The trail tells the story in order: times rise with the sequence, none in the future.
    times = list(AuditEntry.objects.order_by("seq").values_list("at", flat=True))
    assert times == sorted(times) and times[-1] <= timezone.now()


def test_documents_risks_and_evidence_are_complete(demo):
    from openisms.controls.models import Evidence
    from openisms.core.models import Membership
    from openisms.documents.models import Document
    from openisms.risk.models import Risk, RiskStatus

    documents = Document.objects.all()
    assert documents.count() >= 19
    assert not documents.filter(classification=None).exists()
    assert not documents.filter(reviewer=None).exists()

    assert not Risk.objects.filter(owner=None).exists()
    roles = dict(Membership.objects.filter(organisation=demo).values_list("user_id", "role"))
    accepted = Risk.objects.filter(status=RiskStatus.ACCEPTED).select_related("methodology")
    signatures = {
        a.subject_id: a for a in Approval.objects.filter(kind="risk_acceptance").select_related()
    }
    top_for_others = 0
    for risk in accepted:
        signed = signatures[str(risk.pk)]
        method = risk.methodology.method
        assert method.may_accept(method.level(risk.residual_level), roles[signed.approver_id])
        if signed.approver.username == "approver" and risk.owner.user_id != signed.approver_id:
            top_for_others += 1
    assert top_for_others == 0

    files = Evidence.objects.filter(kind="file")
    assert files.count() >= 10 and Evidence.objects.filter(kind="link").count() >= 2
    kinds = set()
    for ev in files:
        with ev.file.open("rb") as fh:
            data = fh.read()
        assert hashlib.sha256(data).hexdigest() == ev.file_sha256 != ""
        assert ev.file_size == len(data)
        kinds.add(ev.file_type)
    assert {"application/pdf", "image/png"} <= kinds
