"""SoA validation an auditor would run: contradictions between the SoA and the risk register,
documents, requirements, training and the catalogue; severities; freezing refused while a
blocking finding remains (service, page, API with token and session); findings shown to the
approver; constant query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from openisms.catalogue.models import Requirement
from openisms.context.models import Obligation
from openisms.controls import validation
from openisms.controls.models import Control, SoaVersion
from openisms.controls.services import soa as svc
from openisms.core.context import Actor, acting_as, org_context
from openisms.core.models.sequence import next_ref
from openisms.core.permissions import Role
from openisms.core.services.tokens import issue_token
from openisms.documents.models import Document
from openisms.people.models import Course, Person, TrainingAssignment
from openisms.risk.models import Risk, TreatmentAction
from openisms.risk.services import actions as plan_service
from openisms.risk.services import methodology as methods
from tests.conftest import login, person_of

pytestmark = pytest.mark.django_db
BASE = "/o/alpha/controls/soa/"
API = "/api/v1/controls/soa"


@pytest.fixture
def ctx(org_a, members_a):
    with org_context(org_a), acting_as(Actor(user_id=None, label="tests")):
        from openisms.controls.services.setup import ensure_controls

        ensure_controls()
        yield members_a


def decide_all(org=None) -> None:
    """Every control applicable and planned, for a business need: nothing blocks freezing."""

    def run() -> None:
        from openisms.controls.services.setup import ensure_controls

        ensure_controls()
        Control.objects.update(applicable=True, business_need="Needed.", status="planned")

    if org is None:
        run()
    else:
        with org_context(org):
            run()


def requirement(ref: str) -> Requirement:
    return Requirement.objects.get(framework__slug="iso27001-2022", ref=ref)


def make_risk(org, title: str, *refs: str, owner=None) -> Risk:
    risk = Risk.objects.create(
        organisation=org, ref=next_ref(org, "R"), title=title, owner=person_of(owner)
    )
    risk.controls.set([requirement(r) for r in refs])
    return risk


def exclude(ref: str) -> None:
    Control.objects.filter(ref=ref).update(
        applicable=False, status="not_applicable", exclusion_justification="Not relevant here."
    )


def found(ref: str) -> dict[str, validation.Finding]:
    return {f.rule: f for f in validation.findings() if f.control_ref == ref}


# -- the rules -------------------------------------------------------------------------------


def test_excluded_control_still_treating_a_risk_blocks(ctx, org_a):
    decide_all()
    exclude("A.8.30")
    assert "excluded_treating" not in found("A.8.30")
    risk = make_risk(org_a, "Outsourced code with backdoors", "A.8.30")
    finding = found("A.8.30")["excluded_treating"]
    assert finding.severity == "blocks" and finding.blocking and finding.code == "excluded_treating"
    assert risk.ref in finding.message and finding.url.endswith("/")
    assert finding.record.startswith("A.8.30 ")
    # A treatment action naming the control is a treatment too (the risk itself lists nothing).
    risk.controls.clear()
    assert "excluded_treating" not in found("A.8.30")
    other = make_risk(org_a, "Supplier code review missing")
    TreatmentAction.objects.create(
        organisation=org_a, risk=other, title="Review supplier code", control=requirement("A.8.30")
    )
    assert "treatment action" in found("A.8.30")["excluded_treating"].message
    # A closed risk no longer counts.
    Risk.objects.filter(pk=other.pk).update(status="closed")
    assert "excluded_treating" not in found("A.8.30")


def test_implemented_with_open_treatment_actions_warns(ctx, org_a):
    decide_all()
    Control.objects.filter(ref="A.8.13").update(status="implemented")
    risk = make_risk(org_a, "Ransomware", "A.8.13")
    action = TreatmentAction.objects.create(
        organisation=org_a, risk=risk, title="Offline backups", control=requirement("A.8.13")
    )
    finding = found("A.8.13")["implemented_open_actions"]
    assert finding.severity == "warns" and risk.ref in finding.message
    TreatmentAction.objects.filter(pk=action.pk).update(status="done")
    assert "implemented_open_actions" not in found("A.8.13")


def test_not_started_while_documents_requirements_or_training_show_it(ctx, org_a):
    decide_all()
    Control.objects.filter(ref__in=["A.5.19", "A.5.31", "A.6.3"]).update(status="not_started")
    owner = ctx[Role.ISMS_MANAGER]
    supplier = Control.objects.get(ref="A.5.19")
    draft = Document.objects.create(
        organisation=org_a, ref="DOC-0001", title="Draft", kind="policy", owner=person_of(owner)
    )
    supplier.documents.add(draft)
    assert "not_started_in_place" not in found("A.5.19")  # a draft shows nothing yet
    published = Document.objects.create(
        organisation=org_a, ref="DOC-0002", title="Supplier policy", kind="topic_policy",
        owner=person_of(owner), status="published",
    )  # fmt: skip
    supplier.documents.add(published)
    message = found("A.5.19")["not_started_in_place"].message
    assert "DOC-0002" in message and "DOC-0001" not in message
    # An active requirement of the register requires the control; an inactive one does not.
    legal = Control.objects.get(ref="A.5.31")
    old = Obligation.objects.create(organisation=org_a, ref="CR-0001", title="Old law",
                                    source="law", is_active=False)  # fmt: skip
    legal.obligations.add(old)
    assert "not_started_in_place" not in found("A.5.31")
    gdpr = Obligation.objects.create(organisation=org_a, ref="CR-0002", title="GDPR", source="law")
    legal.obligations.add(gdpr)
    assert "CR-0002" in found("A.5.31")["not_started_in_place"].message
    # Completed awareness training shows A.6.3 in operation.
    assert "not_started_in_place" not in found("A.6.3")
    course = Course.objects.create(organisation=org_a, title="Security awareness 2026",
                                   kind="awareness")  # fmt: skip
    person = Person.objects.create(organisation=org_a, full_name="Ada Lovelace")
    TrainingAssignment.objects.create(
        organisation=org_a, person=person, course=course, status="completed",
        completed_on=dt.date(2026, 11, 2),
    )  # fmt: skip
    finding = found("A.6.3")["not_started_in_place"]
    assert "Security awareness 2026" in finding.message and finding.severity == "warns"
    Control.objects.filter(ref="A.6.3").update(status="planned")
    assert "not_started_in_place" not in found("A.6.3")


def test_implementation_text_copying_the_catalogue_guidance_warns(ctx):
    decide_all()
    summary = requirement("A.5.1").guidance["summary"]
    Control.objects.filter(ref="A.5.1").update(implementation="  " + summary.upper() + "\n")
    assert found("A.5.1")["guidance_copy"].severity == "warns"
    nearly = summary.replace("leadership", "management").replace("regularly", "yearly")
    Control.objects.filter(ref="A.5.1").update(implementation=nearly)
    assert "guidance_copy" in found("A.5.1")
    own = "The ISMS manager keeps the policy set in the document register; the CEO signs it."
    Control.objects.filter(ref="A.5.1").update(implementation=own)
    assert "guidance_copy" not in found("A.5.1")
    # A long text that merely starts with the guidance is not compared at all.
    Control.objects.filter(ref="A.5.1").update(implementation=summary + " " + own * 4)
    assert "guidance_copy" not in found("A.5.1")


def test_unapproved_risk_method_and_plan_warn_and_are_named(ctx, org_a):
    decide_all()
    soa_wide = {f.rule: f for f in validation.findings() if not f.control_ref}
    assert set(soa_wide) == {"method_unapproved", "plan_unapproved"}
    assert soa_wide["method_unapproved"].record == "Risk method v1"
    assert soa_wide["plan_unapproved"].record == "Risk treatment plan"
    assert all(f.severity == "warns" for f in soa_wide.values())
    blocking, warnings = svc.findings()
    assert blocking == [] and any("Risk method v1" in w for w in warnings)
    approver = ctx[Role.APPROVER]
    methods.approve(methods.current(), approver=approver, role="approver")
    risk = make_risk(org_a, "Phishing", "A.6.3", owner=person_of(ctx[Role.CONTRIBUTOR]))
    Risk.objects.filter(pk=risk.pk).update(treatment="mitigate")
    plan_service.sign_plan(user=approver)
    assert not [f for f in validation.findings() if not f.control_ref]


def test_findings_expose_severity_code_message_and_url(ctx):
    items = validation.findings()
    assert items and all(f.severity in ("blocks", "warns") for f in items)
    assert all(f.code in validation.RULES and f.message and f.url.startswith("/o/alpha/")
               for f in items)  # fmt: skip
    assert {f.code for f in validation.blocking(items)} == {"undecided"}


def test_links_are_hidden_where_the_role_may_not_follow_them(ctx):
    class NoAccess:
        def can(self, action: str) -> bool:
            return False

    items = validation.for_role(validation.findings()[:3], NoAccess())
    assert items and all(f.url == "" for f in items)


# -- freezing refused, everywhere ------------------------------------------------------------


def blocked_org(org, members) -> Risk:
    decide_all(org)
    with org_context(org), acting_as(Actor(user_id=None, label="tests")):
        exclude("A.8.30")
        return make_risk(
            org, "Outsourced code", "A.8.30", owner=person_of(members[Role.CONTRIBUTOR])
        )


def test_freeze_service_refuses_a_blocking_finding(org_a, members_a):
    risk = blocked_org(org_a, members_a)
    with org_context(org_a), pytest.raises(svc.FreezeRefused) as refused:
        svc.freeze(user=members_a[Role.ISMS_MANAGER])
    assert [f.code for f in refused.value.findings] == ["excluded_treating"]
    assert "Excluded, but a risk still lists it as treatment: A.8.30" in str(refused.value)
    assert risk.ref in refused.value.findings[0].message
    assert not SoaVersion.unscoped.exists()


def test_freeze_page_refuses_and_says_why(org_a, members_a):
    blocked_org(org_a, members_a)
    manager = login(members_a[Role.ISMS_MANAGER])
    page = manager.get(BASE).content.decode()
    assert 'id="soa-blocking"' in page and "Excluded, but a risk still lists it" in page
    response = manager.post(BASE + "freeze/", {"note": "v1"}, follow=True)
    body = response.content.decode()
    assert "Fix these before freezing" in body and "A.8.30" in body
    assert not SoaVersion.unscoped.exists()
    panel = manager.get("/o/alpha/controls/validation/").content.decode()
    assert 'id="rule-excluded_treating"' in panel and "severity blocks" in panel


@pytest.mark.parametrize("auth", ["token", "session"])
def test_freeze_api_answers_422_with_the_findings(org_a, members_a, auth):
    blocked_org(org_a, members_a)
    manager = members_a[Role.ISMS_MANAGER]
    if auth == "token":
        client = Client(headers={"Authorization": f"Bearer {issue_token(manager, org_a, 't')[1]}"})
    else:
        client = Client(headers={"X-Organisation": "alpha"})
        client.force_login(manager)
    response = client.post(f"{API}/versions", {"note": "v1"}, content_type="application/json")
    assert response.status_code == 422, response.content
    body = response.json()
    assert any("Fix these before freezing" in d for d in body["detail"])
    [finding] = body["findings"]
    assert finding["code"] == "excluded_treating" and finding["severity"] == "blocks"
    assert finding["record"].startswith("A.8.30") and finding["url"].startswith("/o/alpha/")
    assert not SoaVersion.unscoped.exists()
    # Fixed: the freeze goes through and answers with the remaining warnings.
    with org_context(org_a):
        Risk.objects.update(status="closed")
    created = client.post(f"{API}/versions", {"note": "v1"}, content_type="application/json")
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["frozen_by"] == manager.username
    assert {f["code"] for f in data["findings"]} >= {"method_unapproved", "plan_unapproved"}


# -- the approver sees the findings ----------------------------------------------------------


def test_approval_page_and_api_list_the_findings_before_signing(org_a, members_a):
    decide_all(org_a)
    manager = login(members_a[Role.ISMS_MANAGER])
    manager.post(BASE + "freeze/")
    version = SoaVersion.unscoped.get()
    with org_context(org_a):
        Control.objects.filter(ref="A.8.13").update(status="implemented")
        risk = make_risk(
            org_a, "Ransomware", "A.8.13", owner=person_of(members_a[Role.CONTRIBUTOR])
        )
        TreatmentAction.objects.create(organisation=org_a, risk=risk, title="Offline backups",
                                       control=requirement("A.8.13"))  # fmt: skip
    approver = members_a[Role.APPROVER]
    page = login(approver).get(f"{BASE}{version.pk}/").content.decode()
    assert 'id="soa-findings"' in page and "read them before signing" in page
    assert page.index('id="soa-findings"') < page.index("Approve v1")
    assert "Implemented, with treatment actions still open" in page and "Risk method v1" in page
    assert (
        f'href="/o/alpha/controls/{Control.unscoped.get(organisation=org_a, ref="A.8.13").pk}/"'
        in page
    )
    api = Client(headers={"Authorization": f"Bearer {issue_token(approver, org_a, 't')[1]}"})
    detail = api.get(f"{API}/versions/{version.pk}").json()
    assert "implemented_open_actions" in {f["code"] for f in detail["findings"]}
    approved = api.post(f"{API}/versions/{version.pk}/approve", {}, content_type="application/json")
    assert approved.status_code == 200 and approved.json()["approved_by"] == approver.username
    # Once decided, the version page no longer lists live findings.
    after = login(approver).get(f"{BASE}{version.pk}/").content.decode()
    assert 'id="soa-findings"' not in after


def test_dashboard_counts_blocking_findings(org_a, members_a):
    blocked_org(org_a, members_a)
    page = login(members_a[Role.ISMS_MANAGER]).get("/o/alpha/").content.decode()
    assert "1 blocks freezing" in page


# -- constant query counts -------------------------------------------------------------------


def grow(org, members, n: int) -> None:
    """``n`` of everything each rule reads, spread over the controls in every state."""
    owner = members[Role.ISMS_MANAGER]
    with org_context(org), acting_as(Actor(user_id=None, label="tests")):
        refs = list(Control.objects.order_by("order").values_list("ref", flat=True))
        start = Risk.objects.count()
        risks = Risk.objects.bulk_create([
            Risk(organisation=org, ref=f"R-{9000 + start + i}", title=f"Risk {i}")
            for i in range(n)
        ])  # fmt: skip
        reqs = {r.ref: r for r in Requirement.objects.filter(framework__slug="iso27001-2022")}
        Risk.controls.through.objects.bulk_create([
            Risk.controls.through(risk_id=r.pk, requirement_id=reqs[refs[i % 93]].pk)
            for i, r in enumerate(risks)
        ])  # fmt: skip
        TreatmentAction.objects.bulk_create([
            TreatmentAction(organisation=org, risk=r, title=f"Act {i}",
                            control=reqs[refs[(i * 7) % 93]])
            for i, r in enumerate(risks)
        ])  # fmt: skip
        controls = list(Control.objects.all())
        base = Document.objects.count()
        docs = Document.objects.bulk_create([
            Document(organisation=org, ref=f"DX-{base + i:05d}", title=f"Doc {i}",
                     kind="procedure", owner=person_of(owner), status="published")
            for i in range(n)
        ])  # fmt: skip
        Control.documents.through.objects.bulk_create([
            Control.documents.through(control_id=controls[i % 93].pk, document_id=d.pk)
            for i, d in enumerate(docs)
        ])  # fmt: skip
        obligations = Obligation.objects.bulk_create([
            Obligation(organisation=org, ref=f"OX-{base + i:05d}", title=f"O {i}", source="law")
            for i in range(n)
        ])  # fmt: skip
        Control.obligations.through.objects.bulk_create([
            Control.obligations.through(control_id=controls[(i * 3) % 93].pk, obligation_id=o.pk)
            for i, o in enumerate(obligations)
        ])  # fmt: skip
        course = Course.objects.create(organisation=org, title=f"Awareness {n}", kind="awareness")
        people = Person.objects.bulk_create(
            [Person(organisation=org, full_name=f"P {base + i}") for i in range(n)]
        )
        TrainingAssignment.objects.bulk_create([
            TrainingAssignment(organisation=org, person=p, course=course, status="completed")
            for p in people
        ])  # fmt: skip


def test_validation_takes_constant_queries_at_two_sizes(
    org_a, members_a, django_assert_max_num_queries
):
    decide_all(org_a)
    with org_context(org_a):
        # Controls in every state the rules look at.
        exclude("A.8.30")
        Control.objects.filter(ref__in=["A.8.13", "A.5.1"]).update(status="implemented")
        Control.objects.filter(ref__in=["A.5.19", "A.6.3", "A.5.31"]).update(status="not_started")
    grow(org_a, members_a, 5)
    manager = login(members_a[Role.ISMS_MANAGER])
    urls = ["/o/alpha/controls/validation/", BASE, "/o/alpha/"]

    def measure() -> list[int]:
        counts = []
        for url in urls:
            with CaptureQueriesContext(connection) as ctx:
                assert manager.get(url).status_code == 200
            counts.append(len(ctx.captured_queries))
        with org_context(org_a), CaptureQueriesContext(connection) as ctx:
            items = validation.findings()
        counts.append(len(ctx.captured_queries))
        return counts + [len(items) > 0]

    manager.get(urls[0])  # warm the session and content types
    few = measure()
    grow(org_a, members_a, 150)
    assert measure() == few
    with org_context(org_a), django_assert_max_num_queries(12):
        validation.findings()
