"""The mandatory documented information checklist reacts to each record, in constant queries."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from openisms.context.models import ScopeVersion
from openisms.core.context import Actor, acting_as, org_context
from openisms.core.models.sequence import next_ref
from openisms.core.permissions import Role
from openisms.documents import checklist
from openisms.documents.checklist import APPROVED, DRAFT, MISSING, OVERDUE, RECORDED
from openisms.documents.models import ChecklistLink, Document, DocumentVersion
from openisms.people.models import (
    Competence,
    Course,
    Person,
    PersonCompetence,
    TrainingAssignment,
)
from openisms.risk.models import Risk
from openisms.risk.services import actions as plan_service
from openisms.risk.services import methodology as methods
from openisms.risk.services.risks import create_risk
from tests.conftest import person_of

pytestmark = pytest.mark.django_db

LINK_ONLY = [
    "soa", "objectives", "operational_planning", "monitoring_results", "internal_audit",
    "management_review", "nonconformities",
]  # fmt: skip
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _today():
    """Today as the test runs, not as the module was imported (a suite may cross midnight)."""
    global TODAY
    TODAY = timezone.localdate()


@pytest.fixture
def ctx(org_a, members_a):
    with org_context(org_a), acting_as(Actor(user_id=None, label="tests")):
        yield members_a


def make_doc(owner, *, kind="record", status="draft", next_review=None, template_key="", title="D"):
    org = owner_org()
    doc = Document.objects.create(
        organisation=org, ref=next_ref(org, "DOC"), title=title, kind=kind, owner=person_of(owner),
        template_key=template_key, next_review=next_review,
    )  # fmt: skip
    return set_doc_status(doc, status)


def set_doc_status(doc: Document, status: str, number: int | None = None) -> Document:
    """Moves the document as the workflow would: a new version, or the newest one's status."""
    latest = doc.latest_version
    if latest is None or number is not None:
        latest = DocumentVersion.objects.create(
            organisation=doc.organisation, document=doc, number=number or 1,
            status="draft", content="text",
        )  # fmt: skip
    latest.status = status
    latest.save()
    doc.latest_version = latest
    doc.status = status
    if status == "published":
        doc.published_version = latest
    doc.save()
    return doc


def owner_org():
    from openisms.core.context import require_org

    return require_org()


def by_key(today: dt.date | None = None) -> dict[str, checklist.ItemResult]:
    return {r.key: r for r in checklist.evaluate(today)}


def test_items_are_the_fifteen_of_the_brief():
    assert len(checklist.ITEMS) == 15
    clauses = [i.clause for i in checklist.ITEMS]
    assert clauses == ["4.3", "5.2", "6.1.2", "6.1.3", "6.1.3 d", "6.2", "7.2", "7.5.1 b", "8.1",
                       "8.2", "8.3", "9.1", "9.2.2", "9.3.3", "10.2"]  # fmt: skip
    for item in checklist.ITEMS:
        assert item.title and item.guidance and item.todo


def test_items_cite_the_2022_sub_clause_that_asks_for_the_record():
    """Each item names the most specific 2022 sub-clause (9.2.2, not 9.2, since 2022 split it)."""
    data = Path(checklist.__file__).parents[1] / "catalogue/data/iso27001-2022/clauses.csv"
    with data.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    refs = {r["ref"] for r in rows}
    parents = {r["parent"] for r in rows if r["parent"]}
    for item in checklist.ITEMS:
        sub_clause = item.clause.split(" ")[0]  # "7.5.1 b" → 7.5.1 (b is a list item in it)
        assert sub_clause in refs, item.key
        assert sub_clause not in parents, f"{item.key}: {sub_clause} has sub-clauses in 2022"
    by_key = {i.key: i.clause for i in checklist.ITEMS}
    assert by_key["internal_audit"] == "9.2.2"
    assert by_key["management_review"] == "9.3.3"


def test_a_new_organisation_has_everything_missing_but_the_unapproved_default_method(ctx):
    results = by_key()
    # The risk method shipped with OpenISMS is in force from day one, but nobody approved it.
    assert results["risk_assessment_process"].status == DRAFT
    assert results["risk_treatment_process"].status == DRAFT
    assert results["risk_assessment_process"].reference == "Risk method v1"
    others = {k: r.status for k, r in results.items() if not k.startswith("risk_")}
    others["risk_assessment_results"] = results["risk_assessment_results"].status
    others["risk_treatment_results"] = results["risk_treatment_results"].status
    assert set(others.values()) == {MISSING}
    for r in results.values():
        assert r.todo
    counts = checklist.summary(list(results.values()))
    assert counts == {"total": 15, "in_place": 0, "approved": 0, "recorded": 0, "overdue": 0,
                      "draft": 2, "missing": 13, "complete": False}  # fmt: skip


def test_scope_missing_draft_approved(ctx):
    assert by_key()["scope"].status == MISSING
    v1 = ScopeVersion.objects.create(organisation=owner_org(), number=1, statement="All of it")
    r = by_key()["scope"]
    assert (r.status, r.reference) == (DRAFT, "Scope v1")
    v1.status, v1.approved_at = "approved", timezone.now()
    v1.save()
    r = by_key()["scope"]
    assert (r.status, r.reference) == (APPROVED, "Scope v1")
    # A newer draft does not undo the approved version.
    ScopeVersion.objects.create(organisation=owner_org(), number=2, statement="More")
    r = by_key()["scope"]
    assert (r.status, r.reference) == (APPROVED, "Scope v1")
    assert "v2 is being drafted" in r.detail


def test_policy_missing_draft_approved_overdue(ctx):
    owner = ctx[Role.ISMS_MANAGER]
    make_doc(owner, kind="topic_policy", status="published")  # not the policy
    assert by_key()["policy"].status == MISSING
    doc = make_doc(owner, kind="policy", template_key="information-security-policy")
    r = by_key()["policy"]
    assert (r.status, r.reference) == (DRAFT, f"{doc.ref} v1")
    set_doc_status(doc, "in_review")
    assert by_key()["policy"].status == DRAFT
    set_doc_status(doc, "approved")
    assert by_key()["policy"].status == APPROVED
    set_doc_status(doc, "published")
    doc.next_review = TODAY + dt.timedelta(days=30)
    doc.save()
    r = by_key()["policy"]
    assert (r.status, r.reference) == (APPROVED, f"{doc.ref} v1")
    doc.next_review = TODAY - dt.timedelta(days=1)
    doc.save()
    assert by_key()["policy"].status == OVERDUE
    # A revision under way keeps the published version in force.
    set_doc_status(doc, "draft", number=2)
    doc.next_review = None
    doc.save()
    r = by_key()["policy"]
    assert (r.status, r.reference) == (APPROVED, f"{doc.ref} v1")
    set_doc_status(doc, "retired")
    assert by_key()["policy"].status == MISSING


def test_policy_prefers_an_approved_one_then_the_template(ctx):
    owner = ctx[Role.ISMS_MANAGER]
    make_doc(owner, kind="policy", status="draft", template_key="information-security-policy")
    other = make_doc(owner, kind="policy", status="published")
    assert by_key()["policy"].reference == f"{other.ref} v1"
    isp = make_doc(owner, kind="policy", status="published",
                   template_key="information-security-policy")  # fmt: skip
    assert by_key()["policy"].reference == f"{isp.ref} v1"


def test_risk_method_draft_until_approved_and_again_after_a_change(ctx):
    approver = ctx[Role.APPROVER]
    methods.approve(methods.current(), approver=approver, role=Role.APPROVER)
    results = by_key()
    for key in ("risk_assessment_process", "risk_treatment_process"):
        assert (results[key].status, results[key].reference) == (APPROVED, "Risk method v1")
    assert "within the criteria" in results["risk_treatment_process"].detail
    # A proposed change is mentioned; the approved version in force still counts.
    methods.propose(methods.current().data, note="tweak", user=ctx[Role.ISMS_MANAGER])
    assert "v2 is proposed" in by_key()["risk_assessment_process"].detail
    assert by_key()["risk_assessment_process"].status == APPROVED
    # Editing the method in force after its approval makes it unapproved again.
    current = methods.current()
    current.data = {**current.data, "review_months": 6}
    current.save()
    r = by_key()["risk_treatment_process"]
    assert r.status == DRAFT and "changed since" in r.detail


def test_competence_missing_recorded_overdue(ctx):
    org = owner_org()
    assert by_key()["competence"].status == MISSING
    person = Person.objects.create(organisation=org, full_name="Pat")
    course = Course.objects.create(organisation=org, title="Awareness")
    a = TrainingAssignment.objects.create(organisation=org, person=person, course=course)
    # Assigned training is no evidence of competence yet: still missing, with a way forward.
    r = by_key()["competence"]
    assert r.status == MISSING and "1 training assignment is open" in r.detail
    assert r.todo_url == f"/o/{org.slug}/people/training/"
    skill = Competence.objects.create(organisation=org, name="Lead auditor")
    held = PersonCompetence.objects.create(
        organisation=org, person=person, competence=skill, expires_on=TODAY - dt.timedelta(days=1)
    )
    assert by_key()["competence"].status == OVERDUE
    held.expires_on = None
    held.save()
    # Records need no approval: "recorded", never "approved" (nobody approved anything).
    r = by_key()["competence"]
    assert (r.status, r.reference) == (RECORDED, "1 competence record")
    assert r.in_place and r.status_label == "Recorded"
    held.delete()
    a.status, a.completed_on, a.score = "completed", TODAY, 90
    a.save()
    r = by_key()["competence"]
    assert (r.status, r.reference) == (RECORDED, "1 training completion")


def test_documented_information_needs_a_published_procedure_standard_or_plan(ctx):
    owner = ctx[Role.ISMS_MANAGER]
    make_doc(owner, kind="record", status="published")
    assert by_key()["documented_information"].status == MISSING
    proc = make_doc(owner, kind="procedure")
    assert by_key()["documented_information"].status == DRAFT
    set_doc_status(proc, "published")
    r = by_key()["documented_information"]
    assert (r.status, r.reference) == (APPROVED, f"{proc.ref} v1")
    make_doc(owner, kind="standard", status="published")
    assert "1 other" in by_key()["documented_information"].detail
    Document.objects.filter(kind__in=["procedure", "standard"]).update(
        next_review=TODAY - dt.timedelta(days=3)
    )
    assert by_key()["documented_information"].status == OVERDUE


def test_risk_assessment_results(ctx):
    assert by_key()["risk_assessment_results"].status == MISSING
    risk = create_risk({"title": "Laptop theft"})
    r = by_key()["risk_assessment_results"]
    assert (r.status, r.reference) == (DRAFT, "1 risks identified")
    from openisms.risk.services.risks import update_risk

    update_risk(risk, {"inherent_likelihood": 3, "inherent_impact": 4})
    r = by_key()["risk_assessment_results"]
    assert (r.status, r.reference) == (RECORDED, "1 of 1 risks assessed")
    assert r.todo == "" and r.todo_url is None
    # Nothing reassessed within the method's review period (12 months by default).
    Risk.objects.filter(pk=risk.pk).update(updated_at=timezone.now() - dt.timedelta(days=400))
    r = by_key()["risk_assessment_results"]
    assert r.status == OVERDUE and "12 months" in r.detail
    assert r.todo_url == f"/o/{owner_org().slug}/risk/register/"


def test_risk_treatment_results(ctx):
    assert by_key()["risk_treatment_results"].status == MISSING
    # The plan needs an owner per risk before it can be approved (6.1.2 c 2).
    risk = create_risk({"title": "Ransomware", "inherent_likelihood": 4, "inherent_impact": 5,
                        "treatment": "mitigate", "owner": ctx[Role.ISMS_MANAGER]})  # fmt: skip
    r = by_key()["risk_treatment_results"]
    assert r.status == DRAFT and "not approved" in r.detail
    assert r.todo_url == f"/o/{owner_org().slug}/risk/plan/" and "approve" in r.todo
    plan_service.sign_plan(user=ctx[Role.APPROVER])
    r = by_key()["risk_treatment_results"]
    assert (r.status, r.reference) == (APPROVED, "Risk treatment plan")
    plan_service.create_action(risk, {"title": "Offline backups"})
    r = by_key()["risk_treatment_results"]
    assert r.status == DRAFT and "changed since" in r.detail


@pytest.mark.parametrize("key", LINK_ONLY + ["scope", "policy", "competence"])
def test_a_linked_document_counts_with_its_own_status(ctx, key):
    owner = ctx[Role.CONTRIBUTOR]
    assert by_key()[key].status == MISSING
    doc = make_doc(owner, kind="record", status="draft")
    link, created = checklist.link_document(key, doc)
    assert created
    assert checklist.link_document(key, doc) == (link, False)
    r = by_key()[key]
    assert (r.status, r.reference) == (DRAFT, f"{doc.ref} v1")
    assert [ld.ref for ld in r.links] == [doc.ref]
    set_doc_status(doc, "published")
    assert by_key()[key].status == APPROVED
    doc.next_review = TODAY - dt.timedelta(days=1)
    doc.save()
    assert by_key()[key].status == OVERDUE
    # A second, current document satisfies the item again.
    fresh = make_doc(owner, status="published")
    checklist.link_document(key, fresh)
    r = by_key()[key]
    assert (r.status, r.reference) == (APPROVED, f"{fresh.ref} v1")
    assert checklist.unlink_document(key, fresh) is True
    assert checklist.unlink_document(key, fresh) is False
    assert by_key()[key].status == OVERDUE
    checklist.unlink_document(key, doc)
    r = by_key()[key]
    assert (r.status, r.links) == (MISSING, [])


def test_a_record_beats_a_weaker_linked_document(ctx):
    doc = make_doc(ctx[Role.CONTRIBUTOR], status="draft")
    checklist.link_document("scope", doc)
    ScopeVersion.objects.create(
        organisation=owner_org(), number=1, statement="x", status="approved"
    )
    r = by_key()["scope"]
    assert (r.status, r.reference) == (APPROVED, "Scope v1")
    assert r.links[0].evidence.status == DRAFT


def test_link_refuses_retired_documents_and_unknown_items(ctx):
    doc = make_doc(ctx[Role.CONTRIBUTOR], status="retired")
    with pytest.raises(ValidationError, match="retired"):
        checklist.link_document("objectives", doc)
    live = make_doc(ctx[Role.CONTRIBUTOR])
    with pytest.raises(ValidationError, match="no checklist item"):
        checklist.link_document("nonsense", live)
    assert not ChecklistLink.objects.exists()


def test_a_retired_linked_document_no_longer_counts(ctx):
    doc = make_doc(ctx[Role.CONTRIBUTOR], status="published")
    checklist.link_document("objectives", doc)
    set_doc_status(doc, "retired")
    r = by_key()["objectives"]
    assert r.status == MISSING
    assert r.links[0].evidence.status == MISSING


def test_providers_are_pluggable(ctx):
    def soa_provider(facts):
        return checklist.Evidence(APPROVED, "SoA v3", None, "from issue 5")

    checklist.register_provider("soa", soa_provider)
    try:
        r = by_key()["soa"]
        assert (r.status, r.reference) == (APPROVED, "SoA v3")
    finally:
        checklist.PROVIDERS["soa"].remove(soa_provider)
    with pytest.raises(KeyError):
        checklist.register_provider("nope", soa_provider)


def test_summary_bar_is_svg_without_style():
    counts = {"total": 15, "in_place": 7, "approved": 5, "recorded": 2, "overdue": 1, "draft": 2,
              "missing": 5}  # fmt: skip
    svg = checklist.summary_bar(counts)
    assert svg.startswith("<svg") and "style" not in svg
    assert "7 of 15 in place: 5 approved, 2 recorded" in svg
    assert svg.count("<rect") == 5


# -- what to do: open the record to fix, or the page to create it --------------------------------


def test_statuses_are_the_five_that_say_what_is_true():
    assert checklist.STATUSES == ("approved", "recorded", "overdue", "draft", "missing")
    assert set(checklist.IN_PLACE) == {"approved", "recorded"}


def test_review_overdue_links_to_that_document_not_a_new_document_form(ctx):
    doc = make_doc(ctx[Role.ISMS_MANAGER], kind="policy", status="published",
                   template_key="information-security-policy",
                   next_review=TODAY - dt.timedelta(days=2))  # fmt: skip
    r = by_key()["policy"]
    document_page = f"/o/{owner_org().slug}/documents/{doc.pk}/"
    assert r.status == OVERDUE and r.url == document_page
    assert r.todo_url == document_page
    assert doc.ref in r.todo and "review" in r.todo.lower()
    assert r.todo_action == "records.view"
    # The same for a document linked to a link-only item.
    checklist.link_document("objectives", doc)
    r = by_key()["objectives"]
    assert (r.status, r.todo_url) == (OVERDUE, document_page)


def test_a_draft_links_to_the_record_to_finish(ctx):
    org = owner_org()
    doc = make_doc(ctx[Role.ISMS_MANAGER], kind="procedure", status="in_review")
    r = by_key()["documented_information"]
    assert (r.status, r.todo_url) == (DRAFT, f"/o/{org.slug}/documents/{doc.pk}/")
    assert r.todo == f"Have {doc.ref} v1 approved, then publish it."
    v1 = ScopeVersion.objects.create(organisation=org, number=1, statement="All of it")
    r = by_key()["scope"]
    assert r.status == DRAFT and r.todo_url == r.url and str(v1.pk) in r.todo_url
    assert "approve" in r.todo
    r = by_key()["risk_assessment_process"]
    assert r.todo_url == f"/o/{org.slug}/risk/method/"
    assert "approve" in r.todo


def test_missing_items_link_to_the_page_that_creates_the_record(ctx):
    org = owner_org()
    results = by_key()
    new_document = f"/o/{org.slug}/documents/new/"
    for key in ("objectives", "operational_planning", "internal_audit", "policy"):
        assert results[key].todo_url == new_document, key
        assert results[key].todo_action == "documents.create"
    assert results["scope"].todo_url == f"/o/{org.slug}/context/scope/"
    assert results["soa"].todo_url == f"/o/{org.slug}/controls/soa/"
    assert results["risk_assessment_results"].todo_url == f"/o/{org.slug}/risk/register/"
    for r in results.values():
        assert r.todo_action == "records.view" or r.todo_action == "documents.create"


def test_in_place_items_have_nothing_to_do(ctx):
    doc = make_doc(ctx[Role.ISMS_MANAGER], status="published")
    checklist.link_document("objectives", doc)
    r = by_key()["objectives"]
    assert (r.status, r.todo, r.todo_url) == (APPROVED, "", None)


# -- constant queries ---------------------------------------------------------------------------


def _populate(members, n: int) -> None:
    """``n`` documents of every kind and state, ``n`` links, ``n`` risks, ``n`` people trained."""
    org = owner_org()
    owner = members[Role.ISMS_MANAGER]
    kinds = ["policy", "procedure", "standard", "plan", "record"]
    states = ["draft", "in_review", "approved", "published", "retired"]
    docs = Document.objects.bulk_create(
        [
            Document(
                organisation=org,
                ref=f"DOC-{9000 + i}",
                title=f"Doc {i}",
                owner=person_of(owner),
                kind=kinds[i % 5],
                status=states[(i // 5) % 5],
                next_review=TODAY - dt.timedelta(days=i - n // 2),
            )  # fmt: skip
            for i in range(n)
        ]
    )
    versions = DocumentVersion.objects.bulk_create(
        [DocumentVersion(organisation=org, document=d, number=1, status=d.status) for d in docs]
    )
    for d, v in zip(docs, versions, strict=True):
        d.latest_version = v
        d.published_version = v if d.status == "published" else None
    Document.objects.bulk_update(docs, ["latest_version", "published_version"])
    keys = [i.key for i in checklist.ITEMS]
    ChecklistLink.objects.bulk_create(
        [
            ChecklistLink(organisation=org, item_key=keys[i % len(keys)], document=d)
            for i, d in enumerate(docs)
            if d.status != "retired"
        ]
    )
    person = Person.objects.create(organisation=org, full_name="P")
    course = Course.objects.create(organisation=org, title="C")
    TrainingAssignment.objects.bulk_create(
        [
            TrainingAssignment(
                organisation=org,
                person=person,
                course=course,
                status="completed" if i % 2 else "assigned",
            )  # fmt: skip
            for i in range(n)
        ]
    )
    method = methods.current()
    Risk.objects.bulk_create(
        [
            Risk(
                organisation=org,
                ref=f"R-{9000 + i}",
                title=f"Risk {i}",
                methodology=method,
                inherent_likelihood=2,
                inherent_impact=3,
                treatment="mitigate",
                owner=person_of(owner),
            )  # fmt: skip
            for i in range(n)
        ]
    )
    ScopeVersion.objects.create(organisation=org, number=1, statement="x", status="approved")


def _count_queries() -> int:
    with CaptureQueriesContext(connection) as ctx:
        results = checklist.evaluate()
    assert len(results) == 15
    return len(ctx.captured_queries)


def test_constant_queries_with_few_and_many_records(ctx, org_b, members_b):
    few = _count_queries()  # an empty organisation: some providers stop early
    _populate(ctx, 5)
    some = _count_queries()
    assert some <= 25
    assert few <= some
    with org_context(org_b):
        _populate(members_b, 200)
        many = _count_queries()
        statuses = {r.status for r in checklist.evaluate()}
    assert many == some, (some, many)
    assert statuses >= {APPROVED}
