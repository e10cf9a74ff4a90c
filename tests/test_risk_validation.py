"""Risk validation an auditor would run: risks without an owner (blocking the treatment plan's
approval in the service, the page and the API), acceptances outside the method's criteria or
with an unexplained lower residual score, imported acceptances to re-confirm; the panel, its
API route, the plan page showing findings to the signer, constant query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from openisms.catalogue.models import Requirement
from openisms.core.context import Actor, acting_as, org_context
from openisms.core.models import Approval
from openisms.core.models.sequence import next_ref
from openisms.core.permissions import Role
from openisms.core.services.tokens import issue_token
from openisms.risk import validation
from openisms.risk.models import Risk, TreatmentAction
from openisms.risk.services import actions as plan_service
from openisms.risk.services import methodology as methods
from openisms.risk.services import risks as risk_service
from tests.conftest import login, person_of

pytestmark = pytest.mark.django_db
BASE = "/o/alpha/risk"
API = "/api/v1/risk"


@pytest.fixture
def ctx(org_a, members_a):
    with org_context(org_a), acting_as(Actor(user_id=None, label="tests")):
        yield members_a


def codes(ref: str | None = None) -> dict[str, validation.Finding]:
    return {f.code: f for f in validation.findings() if ref is None or f.record.startswith(ref)}


def scored(title: str, owner=None, **scores) -> Risk:
    data = {
        "title": title, "owner": owner, "treatment": "mitigate",
        "inherent_likelihood": 5, "inherent_impact": 4,
        "residual_likelihood": 5, "residual_impact": 4, **scores,
    }  # fmt: skip
    return risk_service.create_risk(data)


def test_risk_without_owner_is_a_blocking_finding(ctx):
    risk = scored("Phishing")
    finding = codes(risk.ref)["no_owner"]
    assert finding.severity == "blocks" and finding.blocking and "6.1.2 c 2" in finding.message
    assert finding.url.endswith(f"/risk/register/{risk.pk}/") and finding.record.endswith(
        "Phishing"
    )
    risk_service.update_risk(risk, {"owner": ctx[Role.CONTRIBUTOR]})
    assert "no_owner" not in codes(risk.ref)
    # A closed risk needs no owner any more.
    closed = scored("Old fax line")
    Risk.objects.filter(pk=closed.pk).update(status="closed")
    assert "no_owner" not in codes(closed.ref)


def test_plan_approval_refused_while_a_risk_has_no_owner(ctx):
    contributor, approver = ctx[Role.CONTRIBUTOR], ctx[Role.APPROVER]
    owned = scored("Ransomware", owner=person_of(contributor))
    orphan = scored("Lost laptop")
    with pytest.raises(plan_service.PlanRefused) as refused:
        plan_service.sign_plan(user=approver)
    assert orphan.ref in str(refused.value) and owned.ref not in str(refused.value)
    assert "no owner" in str(refused.value) and [f.code for f in refused.value.findings] == [
        "no_owner"
    ]
    assert not Approval.objects.filter(subject_type="risk.treatmentplan").exists()
    # The owner of a treated risk may still confirm their part; top management approves later.
    plan_service.sign_plan(user=contributor)
    risk_service.update_risk(orphan, {"owner": contributor})
    plan_service.sign_plan(user=contributor)
    plan_service.sign_plan(user=approver)
    assert plan_service.plan_status()["approved"]


def test_plan_page_shows_findings_and_refuses_approval(org_a, members_a):
    with org_context(org_a), acting_as(Actor(user_id=None, label="tests")):
        orphan = scored("Lost laptop")
    approver = login(members_a[Role.APPROVER])
    page = approver.get(f"{BASE}/plan/").content.decode()
    assert 'id="plan-findings"' in page and orphan.ref in page
    assert "cannot approve the plan until the blocking findings are fixed" in page
    assert page.index('id="plan-findings"') < page.index("Sign: approve the plan")
    response = approver.post(f"{BASE}/plan/sign/", {"comment": "ok"}, follow=True)
    body = response.content.decode()
    assert "cannot be approved while 1 risk has no owner" in body and orphan.ref in body
    with org_context(org_a):
        assert not Approval.objects.filter(subject_type="risk.treatmentplan").exists()


def test_method_approval_page_lists_findings_before_signing(org_a, members_a):
    with org_context(org_a), acting_as(Actor(user_id=None, label="tests")):
        orphan = scored("Lost laptop")
    page = login(members_a[Role.APPROVER]).get(f"{BASE}/method/").content.decode()
    assert 'id="method-findings-1"' in page and orphan.ref in page
    assert page.index('id="method-findings-1"') < page.index("Approve v1")
    # Other roles see no approval form and no list; an approved method shows none either.
    assert (
        "method-findings"
        not in login(members_a[Role.VIEWER]).get(f"{BASE}/method/").content.decode()
    )
    with org_context(org_a):
        methods.approve(methods.current(), approver=members_a[Role.APPROVER], role="approver")
    page = login(members_a[Role.APPROVER]).get(f"{BASE}/method/").content.decode()
    assert "method-findings" not in page


@pytest.mark.parametrize("auth", ["token", "session"])
def test_plan_sign_api_answers_422_with_the_findings(org_a, members_a, auth):
    with org_context(org_a), acting_as(Actor(user_id=None, label="tests")):
        orphan = scored("Lost laptop")
    approver = members_a[Role.APPROVER]
    if auth == "token":
        client = Client(headers={"Authorization": f"Bearer {issue_token(approver, org_a, 't')[1]}"})
    else:
        client = Client(headers={"X-Organisation": "alpha"})
        client.force_login(approver)
    response = client.post(f"{API}/treatment-plan/sign", {}, content_type="application/json")
    assert response.status_code == 422, response.content
    body = response.json()
    assert orphan.ref in body["detail"]
    [finding] = body["findings"]
    assert finding["code"] == "no_owner" and finding["severity"] == "blocks"
    assert finding["record"].startswith(orphan.ref) and finding["url"].startswith(BASE)


def test_accepted_outside_the_acceptance_criteria_warns(ctx):
    approver = ctx[Role.APPROVER]
    high = scored("Supplier breach", owner=person_of(ctx[Role.CONTRIBUTOR]), residual_likelihood=4,
                  residual_impact=4, treatment="accept")  # fmt: skip
    TreatmentAction.objects.create(organisation=high.organisation, risk=high, title="Audit them")
    assert "accepted_outside_criteria" not in codes(high.ref)  # not accepted yet
    risk_service.accept_risk(high, user=approver)  # top management may accept "high"
    finding = codes(high.ref)["accepted_outside_criteria"]
    assert finding.severity == "warns" and "High" in finding.message and "Medium" in finding.message
    low = scored("Coffee spill", owner=person_of(ctx[Role.CONTRIBUTOR]), inherent_likelihood=2,
                 inherent_impact=2, residual_likelihood=2, residual_impact=2)  # fmt: skip
    risk_service.accept_risk(low, user=approver)
    assert "accepted_outside_criteria" not in codes(low.ref)


def test_accepted_with_a_lower_residual_and_no_treatment_warns(ctx):
    approver = ctx[Role.APPROVER]
    risk = scored("Ransomware", owner=person_of(ctx[Role.CONTRIBUTOR]), residual_likelihood=2,
                  residual_impact=2)  # fmt: skip
    risk_service.accept_risk(risk, user=approver)
    finding = codes(risk.ref)["accepted_unexplained"]
    assert finding.severity == "warns" and "2×2" in finding.message and "5×4" in finding.message
    # A control applied explains the reduction (a direct link: the acceptance stays as it is).
    risk.controls.add(Requirement.objects.get(framework__slug="iso27001-2022", ref="A.8.13"))
    assert "accepted_unexplained" not in codes(risk.ref)
    risk.controls.clear()
    action = TreatmentAction.objects.create(organisation=risk.organisation, risk=risk,
                                            title="Offline backups")  # fmt: skip
    assert "accepted_unexplained" not in codes(risk.ref)
    TreatmentAction.objects.filter(pk=action.pk).update(status="cancelled")
    assert "accepted_unexplained" in codes(risk.ref)
    # The same score before and after: nothing to explain.
    same = scored("Flood", owner=person_of(ctx[Role.CONTRIBUTOR]), inherent_likelihood=2,
                  inherent_impact=2, residual_likelihood=2, residual_impact=2)  # fmt: skip
    risk_service.accept_risk(same, user=approver)
    assert "accepted_unexplained" not in codes(same.ref)


def test_imported_acceptances_are_listed_for_reconfirmation(ctx):
    risk = scored("Legacy VPN", owner=person_of(ctx[Role.CONTRIBUTOR]), residual_likelihood=1,
                  residual_impact=2)  # fmt: skip
    assert "imported_acceptance" not in codes(risk.ref)
    Risk.objects.filter(pk=risk.pk).update(
        status="accepted", acceptance_imported=True, imported_accepted_by="Jane CFO",
        imported_accepted_role="CFO",
    )  # fmt: skip
    finding = codes(risk.ref)["imported_acceptance"]
    assert finding.severity == "warns" and "Jane CFO (CFO)" in finding.message
    risk.refresh_from_db()
    risk_service.accept_risk(risk, user=ctx[Role.APPROVER])  # re-confirmed here
    assert "imported_acceptance" not in codes(risk.ref)


def test_findings_expose_severity_code_message_and_url(ctx):
    scored("Phishing")
    items = validation.findings()
    assert [(f.code, f.severity) for f in items] == [("no_owner", "blocks")]
    assert items[0].message and items[0].url.startswith("/o/alpha/risk/register/")


def test_panel_navigation_and_api(org_a, members_a):
    with org_context(org_a), acting_as(Actor(user_id=None, label="tests")):
        orphan = scored("Lost laptop")
    viewer = login(members_a[Role.VIEWER])
    page = viewer.get(f"{BASE}/validation/").content.decode()
    assert "<h1>Risk validation</h1>" in page and 'id="rule-no_owner"' in page
    assert f'href="{BASE}/register/{orphan.pk}/"' in page and "severity blocks" in page
    assert f'href="{BASE}/validation/"' in viewer.get(f"{BASE}/").content.decode()  # navigation
    for role in (Role.VIEWER, Role.AUDITOR):
        token = issue_token(members_a[role], org_a, "t")[1]
        body = Client(headers={"Authorization": f"Bearer {token}"}).get(f"{API}/validation").json()
        assert body["count"] == 1 and body["blocking"] == 1 and body["by_rule"]["no_owner"] == 1
        assert body["findings"][0]["record"] == f"{orphan.ref} Lost laptop"
    stranger = Client()
    assert stranger.get(f"{API}/validation").status_code == 401


def test_governance_findings_name_the_unapproved_method_and_plan(ctx):
    names = {f.code: f.record for f in validation.governance_findings()}
    assert names == {
        "method_unapproved": "Risk method v1",
        "plan_unapproved": "Risk treatment plan",
    }
    methods.approve(methods.current(), approver=ctx[Role.APPROVER], role="approver")
    assert {f.code for f in validation.governance_findings()} == {"plan_unapproved"}
    plan_service.sign_plan(user=ctx[Role.APPROVER])
    assert validation.governance_findings() == []


def grow(org, n: int) -> None:
    with org_context(org), acting_as(Actor(user_id=None, label="tests")):
        method = methods.current()
        reqs = list(Requirement.objects.filter(framework__slug="iso27001-2022", kind="control"))
        risks = Risk.objects.bulk_create([
            Risk(organisation=org, ref=next_ref(org, "R"), title=f"Risk {i}", methodology=method,
                 status="accepted", inherent_likelihood=5, inherent_impact=5,
                 residual_likelihood=4, residual_impact=4, residual_level="high",
                 acceptance_imported=i % 2 == 0)
            for i in range(n)
        ])  # fmt: skip
        Risk.controls.through.objects.bulk_create([
            Risk.controls.through(risk_id=r.pk, requirement_id=reqs[i % 93].pk)
            for i, r in enumerate(risks) if i % 3 == 0
        ])  # fmt: skip
        TreatmentAction.objects.bulk_create([
            TreatmentAction(organisation=org, risk=r, title=f"A {i}")
            for i, r in enumerate(risks) if i % 3 == 1
        ])  # fmt: skip


def test_queries_stay_constant_at_two_sizes(org_a, members_a, django_assert_max_num_queries):
    grow(org_a, 4)
    viewer = login(members_a[Role.VIEWER])
    token = issue_token(members_a[Role.VIEWER], org_a, "t")[1]
    api = Client(headers={"Authorization": f"Bearer {token}"})
    checks = [(viewer, f"{BASE}/validation/"), (viewer, f"{BASE}/plan/"),
              (api, f"{API}/validation")]  # fmt: skip

    def measure() -> list[int]:
        counts = []
        for client, url in checks:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200, url
            counts.append(len(ctx.captured_queries))
        with org_context(org_a), CaptureQueriesContext(connection) as ctx:
            validation.findings()
        return counts + [len(ctx.captured_queries)]

    for client, url in checks:
        client.get(url)  # warm the session and content types
    few = measure()
    grow(org_a, 120)
    assert measure() == few
    with org_context(org_a), django_assert_max_num_queries(4):
        found = validation.findings()
    assert len(found) > 120  # every risk is ownerless, accepted above the criteria, …
