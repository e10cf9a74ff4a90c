"""Context pages for each role: lists with filters, forms with messages, delete confirmation,
the scope page with its draft, approval, history, diff, printable view and PDF."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openisms.context.models import ContextIssue, InterestedParty, Obligation, ScopeStatus
from openisms.context.services import issues, parties, scope
from openisms.core.context import acting_as, org_context
from openisms.core.permissions import Role, can
from openisms.risk.services.risks import create_risk
from tests.conftest import login, person_of

pytestmark = pytest.mark.django_db
BASE = "/o/alpha/context"
LISTS = ("issues/", "parties/", "requirements/", "scope/")


@pytest.fixture
def records(org_a, members_a):
    with org_context(org_a), acting_as(members_a[Role.ISMS_MANAGER]):
        risk = create_risk({"title": "Ransomware on the ERP"})
        issue = issues.create_issue({
            "title": "Ransomware wave", "kind": "external", "category": "technological",
            "effect": "Production could stop", "risks": [risk],
        })  # fmt: skip
        party = parties.create_party({"name": "Data protection authority", "kind": "regulator",
                                      "expectations": "Breach notification"})  # fmt: skip
        req = parties.create_obligation({
            "title": "Notify breaches in 72 hours", "source": "law", "reference": "GDPR Art. 33",
            "parties": [party], "controls": ["A.5.24"], "how_addressed": "Incident procedure",
            "owner": members_a[Role.ISMS_MANAGER],
        })  # fmt: skip
    return {"issue": issue, "party": party, "req": req, "risk": risk}


def test_every_role_reads_the_lists_and_only_managers_see_write_buttons(members_a, records):
    for role, user in members_a.items():
        client = login(user)
        for page in LISTS:
            response = client.get(f"{BASE}/{page}")
            assert response.status_code == 200, (role, page)
            assert "style=" not in response.content.decode()  # strict CSP
        body = client.get(f"{BASE}/issues/").content.decode()
        assert "CI-0001" in body and "Ransomware wave" in body and "R-0001" in body
        assert ("Add an issue" in body) == can(role, "context.change"), role
        detail = client.get(f"{BASE}/requirements/{records['req'].pk}/").content.decode()
        assert "GDPR Art. 33" in detail and "A.5.24" in detail
        assert ("Delete" in detail) == can(role, "context.change"), role


def test_viewer_and_contributor_cannot_write(members_a, records):
    urls = [
        f"{BASE}/issues/new/",
        f"{BASE}/issues/{records['issue'].pk}/edit/",
        f"{BASE}/issues/{records['issue'].pk}/delete/",
        f"{BASE}/parties/new/",
        f"{BASE}/parties/{records['party'].pk}/edit/",
        f"{BASE}/parties/{records['party'].pk}/delete/",
        f"{BASE}/requirements/new/",
        f"{BASE}/requirements/{records['req'].pk}/edit/",
        f"{BASE}/requirements/{records['req'].pk}/delete/",
        f"{BASE}/scope/draft/",
    ]
    for role in (Role.VIEWER, Role.AUDITOR, Role.CONTRIBUTOR, Role.APPROVER):
        client = login(members_a[role])
        for url in urls:
            assert client.post(url, {"title": "x"}).status_code == 403, (role, url)
    with org_context(records["issue"].organisation):
        assert ContextIssue.objects.count() == 1 and Obligation.objects.count() == 1


def test_manager_creates_edits_and_deletes_an_issue(members_a, records):
    client = login(members_a[Role.ISMS_MANAGER])
    missing = client.post(f"{BASE}/issues/new/", {"title": "", "kind": "internal"})
    assert missing.status_code == 200
    assert "This field is required." in missing.content.decode()
    bad_risk = client.post(f"{BASE}/issues/new/", {
        "title": "Key people", "kind": "internal", "category": "resources", "risks": ["nope"],
    })  # fmt: skip
    assert "errorlist" in bad_risk.content.decode()

    made = client.post(f"{BASE}/issues/new/", {
        "title": "Key people leave", "kind": "internal", "category": "resources",
        "effect": "Know-how lost", "risks": [str(records["risk"].pk)], "is_active": "on",
    })  # fmt: skip
    assert made.status_code == 302
    with org_context(records["issue"].organisation):
        issue = ContextIssue.objects.get(title="Key people leave")
    assert issue.ref == "CI-0002" and made["Location"].endswith(f"/issues/{issue.pk}/")
    edited = client.post(f"{BASE}/issues/{issue.pk}/edit/", {
        "title": "Key people leave", "kind": "internal", "category": "resources",
    })  # fmt: skip
    assert edited.status_code == 302
    with org_context(records["issue"].organisation):
        issue.refresh_from_db()
        assert not issue.is_active and not issue.risks.exists()

    confirm = client.get(f"{BASE}/issues/{issue.pk}/delete/")
    assert confirm.status_code == 200 and "Delete issue" in confirm.content.decode()
    assert client.post(f"{BASE}/issues/{issue.pk}/delete/").status_code == 302
    with org_context(records["issue"].organisation):
        assert not ContextIssue.objects.filter(pk=issue.pk).exists()


def test_party_lists_its_requirements_and_requirement_form_validates(members_a, records):
    client = login(members_a[Role.ISMS_MANAGER])
    body = client.get(f"{BASE}/parties/{records['party'].pk}/").content.decode()
    assert "Notify breaches in 72 hours" in body and "Incident procedure" in body
    prefilled = client.get(f"{BASE}/requirements/new/?party={records['party'].pk}")
    assert prefilled.context["form"].initial["parties"] == [records["party"]]

    response = client.post(f"{BASE}/requirements/new/", {
        "title": "Insurance conditions", "source": "contract", "controls": ["999999"],
    })  # fmt: skip
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    response = client.post(f"{BASE}/requirements/new/", {
        "title": "Insurance conditions", "source": "contract", "reference": "Policy §4",
        "owner": str(person_of(members_a[Role.CONTRIBUTOR]).pk),
        "parties": [str(records["party"].pk)],
        "is_active": "on",
    })  # fmt: skip
    assert response.status_code == 302
    with org_context(records["party"].organisation):
        assert Obligation.objects.get(reference="Policy §4").ref == "REQ-0002"

    party = client.post(f"{BASE}/parties/new/", {"name": "", "kind": "insurer"})
    assert "This field is required." in party.content.decode()
    assert (
        client.post(f"{BASE}/parties/new/", {"name": "Insurer", "kind": "insurer"}).status_code
        == 302
    )
    assert client.post(f"{BASE}/parties/{records['party'].pk}/delete/").status_code == 302
    with org_context(records["party"].organisation):
        assert not InterestedParty.objects.filter(pk=records["party"].pk).exists()
        assert Obligation.objects.filter(pk=records["req"].pk).exists()


def test_list_filters_and_empty_states(members_a, records):
    client = login(members_a[Role.VIEWER])
    assert "Ransomware wave" not in client.get(f"{BASE}/issues/?kind=internal").content.decode()
    assert (
        "Ransomware wave"
        in client.get(f"{BASE}/issues/?category=technological&q=ransom").content.decode()
    )
    assert "No issue matches" in client.get(f"{BASE}/issues/?q=nothing-like-it").content.decode()
    reqs = f"{BASE}/requirements/"
    assert "GDPR Art. 33" in client.get(f"{reqs}?source=law&control=A.5.24").content.decode()
    assert "GDPR Art. 33" not in client.get(f"{reqs}?source=contract").content.decode()
    assert "GDPR Art. 33" in client.get(f"{reqs}?party={records['party'].pk}").content.decode()
    assert "No requirement matches" in client.get(f"{reqs}?party=garbage").content.decode()
    partial = client.get(f"{BASE}/issues/?q=ransom", headers={"HX-Request": "true"})
    assert b"<html" not in partial.content and b"Ransomware wave" in partial.content
    assert "Internal" in client.get(f"{BASE}/parties/?internal=no").content.decode()


def test_empty_states_differ_for_readers_and_managers(members_a):
    viewer = login(members_a[Role.VIEWER])
    manager = login(members_a[Role.ISMS_MANAGER])
    empty = [
        ("issues/", "No issues recorded yet"),
        ("parties/", "No interested"),
        ("requirements/", "The register is empty"),
        ("scope/", "No scope yet"),
    ]
    for page, heading in empty:
        assert heading in viewer.get(f"{BASE}/{page}").content.decode(), page
        assert heading in manager.get(f"{BASE}/{page}").content.decode(), page
    assert "Draft the scope" in manager.get(f"{BASE}/scope/").content.decode()
    assert "Draft the scope" not in viewer.get(f"{BASE}/scope/").content.decode()
    assert viewer.get(f"{BASE}/scope/print/").status_code == 404
    assert viewer.get(f"{BASE}/scope/scope.pdf").status_code == 404


def scope_form(**changes):
    data = {
        "statement": "The ISMS covers the design and manufacture of sensors.",
        "processes": "Design\nProduction", "locations": "HQ\nFactory", "units": "Engineering",
        "technology": "ERP", "interfaces": "Managed IT provider",
        "exclusion_item": ["Canteen", ""], "exclusion_justification": ["Landlord's", ""],
        "justification": "Everything that holds customer data.", "change_summary": "First",
    }  # fmt: skip
    data.update(changes)
    return data


def test_scope_flow_through_the_pages(org_a, members_a):
    manager = login(members_a[Role.ISMS_MANAGER])
    approver = login(members_a[Role.APPROVER])
    started = manager.post(f"{BASE}/scope/draft/")
    assert started.status_code == 302 and "/edit/" in started["Location"]
    edit_url = started["Location"]
    assert manager.get(edit_url).status_code == 200
    assert login(members_a[Role.VIEWER]).get(edit_url).status_code == 403

    unjustified = manager.post(edit_url, scope_form(exclusion_justification=["", ""]))
    assert unjustified.status_code == 200
    assert "Justify the exclusion of “Canteen”" in unjustified.content.decode()
    assert manager.post(edit_url, scope_form()).status_code == 302

    page = manager.get(f"{BASE}/scope/").content.decode()
    assert "Draft v1" in page and "Approve v1" not in page  # a manager cannot approve
    page = approver.get(f"{BASE}/scope/").content.decode()
    assert "Approve v1" in page and "Landlord&#x27;s" in page
    with org_context(org_a):
        draft = scope.current_draft()
    decide = f"{BASE}/scope/{draft.pk}/decide/"
    assert manager.post(decide, {"decision": "approve"}).status_code == 403
    approved = approver.post(decide, {"decision": "approve", "comment": "Agreed"}, follow=True)
    assert "Scope v1 approved" in approved.content.decode()
    with org_context(org_a):
        draft.refresh_from_db()
        assert draft.status == ScopeStatus.APPROVED
    # An approved version cannot be edited any more, not even through the edit page.
    assert manager.post(edit_url, scope_form(statement="Changed")).status_code == 302
    with org_context(org_a):
        draft.refresh_from_db()
        assert draft.statement.startswith("The ISMS covers")

    # A change: new draft v2, the diff against v1, the approval block of v1.
    assert manager.post(f"{BASE}/scope/draft/").status_code == 302
    with org_context(org_a):
        v2 = scope.current_draft()
    manager.post(f"{BASE}/scope/{v2.pk}/edit/", scope_form(
        locations="HQ\nFactory\nWarehouse", exclusion_item=[""], exclusion_justification=[""],
    ))  # fmt: skip
    page = approver.get(f"{BASE}/scope/").content.decode()
    assert "In force: v1" in page and "Draft v2" in page
    assert "+ Warehouse" in page and "− Canteen" in page
    assert "a-approver" in page and "Agreed" in page
    rejected = approver.post(f"{BASE}/scope/{v2.pk}/decide/", {"decision": "reject"}, follow=True)
    assert "Say why you reject it" in rejected.content.decode()
    approver.post(f"{BASE}/scope/{v2.pk}/decide/", {"decision": "reject", "comment": "Why?"})
    assert "Rejected" in approver.get(f"{BASE}/scope/").content.decode()
    version = manager.get(f"{BASE}/scope/{draft.pk}/").content.decode()
    assert "ISMS scope v1" in version and "Approved" in version


def test_the_author_sees_why_they_cannot_approve(org_a, members_a):
    owner = login(members_a[Role.OWNER])
    edit_url = owner.post(f"{BASE}/scope/draft/")["Location"]
    owner.post(edit_url, scope_form())
    page = owner.get(f"{BASE}/scope/").content.decode()
    assert "another member of top management must approve it" in page
    with org_context(org_a):
        draft = scope.current_draft()
    refused = owner.post(f"{BASE}/scope/{draft.pk}/decide/", {"decision": "approve"}, follow=True)
    assert "segregation of duties" in refused.content.decode()


def pdf_objects(pdf: bytes) -> bytes:
    """The PDF's objects with their compressed streams inflated (metadata lives in them)."""
    import re
    import zlib

    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"\n".join(parts)


@pytest.fixture
def approved_scope(org_a, members_a):
    with org_context(org_a):
        with acting_as(members_a[Role.ISMS_MANAGER]):
            draft = scope.start_draft(user=members_a[Role.ISMS_MANAGER])
            scope.update_draft(draft, {
                "statement": "Alpha's ISMS covers everything.", "units": ["Engineering"],
                "exclusions": [{"item": "Canteen", "justification": "Landlord's"}],
            })  # fmt: skip
        with acting_as(members_a[Role.APPROVER]):
            scope.approve(draft, approver=members_a[Role.APPROVER], role=Role.APPROVER)
    return draft


def test_printable_view_and_pdf_of_the_approved_scope(members_a, approved_scope):
    client = login(members_a[Role.VIEWER])
    printable = client.get(f"{BASE}/scope/print/")
    body = printable.content.decode()
    assert printable.status_code == 200 and "Alpha Ltd" in body and "Canteen" in body
    assert "<style" not in body and "style=" not in body  # the CSP: the static stylesheet only
    assert "a-approver" in body

    response = client.get(f"{BASE}/scope/scope.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "alpha-ltd-isms-scope-v1.pdf" in response["Content-Disposition"]
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    assert b"http://" not in pdf and b"https://" not in pdf  # nothing fetched or linked
    try:
        from pypdf import PdfReader
    except ImportError:  # no PDF parser here: the metadata (author) carries the name
        assert b"(Alpha Ltd)" in pdf_objects(pdf)
    else:
        import io

        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
        assert "Alpha Ltd" in text and "Canteen" in text
    version_pdf = client.get(f"{BASE}/scope/{approved_scope.pk}/scope.pdf")
    assert version_pdf.content.startswith(b"%PDF")


def bulk_records(org, members, n: int) -> None:
    """``n`` more issues, parties, requirements and scope versions, with their links."""
    from openisms.context.models import ScopeVersion
    from openisms.controls.models import Control
    from openisms.controls.services.setup import ensure_controls
    from openisms.risk.models import Risk

    with org_context(org), acting_as(members[Role.ISMS_MANAGER]):
        start = ContextIssue.objects.count()
        risks = list(Risk.objects.all()[:3]) or [create_risk({"title": "Linked risk"})]
        ensure_controls()
        controls = list(Control.objects.order_by("order")[:3])
        made = ContextIssue.objects.bulk_create(
            ContextIssue(organisation=org, ref=f"CI-X{start + i:05d}", title=f"Issue {i}",
                         kind="internal", category="other", effect="Some effect")
            for i in range(n)
        )  # fmt: skip
        ContextIssue.risks.through.objects.bulk_create(
            ContextIssue.risks.through(contextissue_id=issue.pk, risk_id=r.pk)
            for issue in made for r in risks
        )  # fmt: skip
        party_list = InterestedParty.objects.bulk_create(
            InterestedParty(organisation=org, name=f"Party {start + i}", kind="customer")
            for i in range(n)
        )
        obligations = Obligation.objects.bulk_create(
            Obligation(organisation=org, ref=f"REQ-X{start + i:05d}", title=f"Req {i}",
                       source="contract", owner=person_of(members[Role.ISMS_MANAGER]))
            for i in range(n)
        )  # fmt: skip
        Obligation.parties.through.objects.bulk_create(
            Obligation.parties.through(obligation_id=o.pk, interestedparty_id=p.pk)
            for o, p in zip(obligations, party_list, strict=True)
        )
        Obligation.controls.through.objects.bulk_create(
            Obligation.controls.through(obligation_id=o.pk, control_id=c.pk)
            for o in obligations for c in controls
        )  # fmt: skip
        first = (ScopeVersion.objects.order_by("-number").values_list("number", flat=True)
                 .first() or 0) + 1  # fmt: skip
        ScopeVersion.objects.bulk_create(
            ScopeVersion(organisation=org, number=first + i, status="superseded",
                         statement=f"Scope {i}", created_by=members[Role.ISMS_MANAGER])
            for i in range(n)
        )  # fmt: skip


def test_list_pages_use_constant_queries(org_a, members_a, django_assert_max_num_queries):
    client = login(members_a[Role.ISMS_MANAGER])
    pages = [f"{BASE}/{p}" for p in (*LISTS, "requirements/?source=contract&q=Req")]
    bulk_records(org_a, members_a, 10)
    small = {}
    for url in pages:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        small[url] = len(ctx)
    bulk_records(org_a, members_a, 290)
    for url in pages:
        with django_assert_max_num_queries(small[url]):
            response = client.get(url)
        assert response.status_code == 200
    assert "300 issues" in client.get(f"{BASE}/issues/").content.decode()
    assert "Page 1 of 6" in client.get(f"{BASE}/requirements/").content.decode()
