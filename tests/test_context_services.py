"""Context services: issues, interested parties, the requirements register and the scope's
versions with their approval (who may, self-approval refused, immutability)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from openisms.catalogue.models import Requirement
from openisms.context import selectors
from openisms.context.models import ScopeStatus, ScopeVersion
from openisms.context.services import issues, parties, scope
from openisms.controls.models import Control
from openisms.core.context import acting_as, org_context
from openisms.core.models import Approval
from openisms.core.permissions import Role
from openisms.core.services.approvals import ApprovalRefused
from openisms.risk.services.risks import create_risk

pytestmark = pytest.mark.django_db


def control(ref: str) -> Requirement:
    return Requirement.objects.get(framework__slug="iso27001-2022", ref=ref)


def record(ref: str) -> Control:
    """The current organisation's control record (requirements link to it)."""
    return Control.objects.get(ref=ref)


# --- issues -----------------------------------------------------------------------------------


def test_issue_refs_are_unique_per_organisation_and_risks_link_by_ref(org_a, org_b, members_a):
    with org_context(org_a), acting_as(members_a[Role.ISMS_MANAGER]):
        risk = create_risk({"title": "Ransomware"})
        first = issues.create_issue({
            "title": " Ransomware wave ", "kind": "external", "category": "technological",
            "effect": "Outage of production", "risks": [risk.ref],
        })  # fmt: skip
        second = issues.create_issue({"title": "Small IT team", "kind": "internal",
                                      "category": "resources"})  # fmt: skip
        assert (first.ref, second.ref) == ("CI-0001", "CI-0002")
        assert first.title == "Ransomware wave" and list(first.risks.all()) == [risk]
        issues.update_issue(first, {"is_active": False, "risks": []})
        first.refresh_from_db()
        assert not first.is_active and not first.risks.exists()
    with org_context(org_b):
        other = issues.create_issue({"title": "B", "kind": "internal", "category": "other"})
        assert other.ref == "CI-0001"
        # A risk of organisation A cannot be linked from B, not even as an object.
        with pytest.raises(ValidationError) as exc:
            issues.update_issue(other, {"risks": [risk]})
        assert "risks" in exc.value.message_dict


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"title": "", "kind": "internal", "category": "other"}, "title"),
        ({"title": "x", "kind": "sideways", "category": "other"}, "kind"),
        ({"title": "x", "kind": "internal", "category": "weather"}, "category"),
        ({"title": "x", "category": "other"}, "kind"),
        ({"title": "x", "kind": "internal", "category": "other", "risks": ["R-9999"]}, "risks"),
        ({"title": "x", "kind": "internal", "category": "other", "is_active": "yes"}, "is_active"),
        ({"title": "x\x00", "kind": "internal", "category": "other"}, "title"),
    ],
)
def test_issue_validation_names_the_field(in_org_a, data, field):
    with pytest.raises(ValidationError) as exc:
        issues.create_issue(data)
    assert field in exc.value.message_dict


# --- parties and the requirements register ---------------------------------------------------


def test_requirement_register_links_parties_controls_and_owner(org_a, org_b, members_a, members_b):
    with org_context(org_a), acting_as(members_a[Role.ISMS_MANAGER]):
        dpa = parties.create_party({"name": "Data protection authority", "kind": "regulator"})
        staff = parties.create_party({"name": "Employees", "kind": "employee",
                                      "is_internal": True})  # fmt: skip
        req = parties.create_obligation({
            "title": "Security of processing", "source": "law", "reference": "GDPR Art. 32",
            "owner": members_a[Role.CONTRIBUTOR], "parties": [dpa, str(staff.pk)],
            "controls": ["A.5.34", control("A.8.24")], "how_addressed": "Encryption",
        })  # fmt: skip
        assert req.ref == "REQ-0001"
        assert {p.name for p in req.parties.all()} == {"Data protection authority", "Employees"}
        assert sorted(c.ref for c in req.controls.all()) == ["A.5.34", "A.8.24"]
        # Each party lists its requirements and how the ISMS addresses each.
        assert [(o.ref, o.how_addressed) for o in dpa.obligations.all()] == [
            ("REQ-0001", "Encryption")
        ]
        inactive = parties.create_obligation(
            {"title": "Old contract", "source": "contract", "controls": ["A.5.34"],
             "is_active": False}
        )  # fmt: skip
        assert inactive.ref == "REQ-0002"

        # for the SoA: a control → its (active) requirements
        assert list(selectors.obligations_for_control(record("A.5.34"))) == [req]
        assert set(selectors.obligations_for_control(record("A.5.34"), active_only=False)) == {
            req,
            inactive,
        }
        mapping = selectors.controls_to_obligations()
        assert mapping[record("A.8.24").pk] == [req]
        assert mapping[record("A.5.34").pk] == [req]
        assert record("A.5.1").pk not in mapping

        for bad, field in [
            ({"controls": ["A.99.1"]}, "controls"),
            ({"controls": ["6.1.3"]}, "controls"),  # a clause, not an Annex A control
            ({"owner": members_b[Role.OWNER]}, "owner"),  # not a member of A
            ({"parties": ["not-an-id"]}, "parties"),
            ({"source": "rumour"}, "source"),
            ({"title": "  "}, "title"),
        ]:
            with pytest.raises(ValidationError) as exc:
                parties.update_obligation(req, bad)
            assert field in exc.value.message_dict, bad

        parties.delete_party(dpa)
        assert [p.name for p in req.parties.all()] == ["Employees"]  # the requirement stays
    with org_context(org_b):
        # B's register starts at one, and A's parties are unknown there.
        assert parties.create_obligation({"title": "B", "source": "law"}).ref == "REQ-0001"
        with pytest.raises(ValidationError):
            parties.create_obligation({"title": "B2", "source": "law", "parties": [staff]})
        assert selectors.controls_to_obligations() == {}


# --- scope ------------------------------------------------------------------------------------


def _draft(members, **data) -> ScopeVersion:
    with acting_as(members[Role.ISMS_MANAGER]):
        draft = scope.start_draft(user=members[Role.ISMS_MANAGER])
        return scope.update_draft(draft, {
            "statement": "The ISMS covers the design and manufacture of sensors.",
            "processes": "Design\n\nProduction\n Design ", "locations": ["HQ", "Factory"],
            **data,
        })  # fmt: skip


def test_scope_lifecycle_draft_approve_supersede(in_org_a, members_a):
    manager, approver = members_a[Role.ISMS_MANAGER], members_a[Role.APPROVER]
    assert selectors.approved_scope() is None and selectors.scope_summary_text() == ""
    v1 = _draft(members_a, exclusions=[{"item": "Canteen", "justification": "Landlord's"}])
    assert v1.number == 1 and v1.status == ScopeStatus.DRAFT
    assert v1.processes == ["Design", "Production"]  # blanks and duplicates dropped
    assert selectors.scope_summary_text().startswith("The ISMS covers")  # the draft's, for now
    with pytest.raises(ValidationError, match="already being prepared"):
        scope.start_draft(user=manager)

    with acting_as(approver):
        approval = scope.approve(v1, approver=approver, role=Role.APPROVER, comment="Fine")
    v1.refresh_from_db()
    assert v1.status == ScopeStatus.APPROVED and v1.approved_at is not None
    assert approval.version_label == "v1" and approval.kind == "scope"
    assert selectors.approved_scope() == v1
    assert scope.approval_state(v1)["state"] == "approved"

    # An approved version is immutable; a change starts a new draft copied from it.
    with pytest.raises(ValidationError, match="can no longer change"):
        scope.update_draft(v1, {"statement": "Sneaky edit"})
    with pytest.raises(ValidationError):
        scope.discard_draft(v1)
    with acting_as(manager):
        v2 = scope.start_draft(user=manager, change_summary="Add the web shop")
    assert (v2.number, v2.statement, v2.processes, v2.exclusions) == (
        2, v1.statement, v1.processes, v1.exclusions,
    )  # fmt: skip
    with pytest.raises(ValidationError, match="approved"):
        scope.approve(v1, approver=approver, role=Role.APPROVER)
    with acting_as(manager):
        scope.update_draft(v2, {"technology": ["Web shop on AWS"]})
    with acting_as(approver):
        scope.approve(v2, approver=approver, role=Role.APPROVER)
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert (v1.status, v2.status) == (ScopeStatus.SUPERSEDED, ScopeStatus.APPROVED)
    assert selectors.approved_scope() == v2
    assert ScopeVersion.objects.filter(status=ScopeStatus.APPROVED).count() == 1


def test_author_never_approves_and_roles_are_checked(in_org_a, members_a):
    owner = members_a[Role.OWNER]
    with acting_as(owner):
        draft = scope.start_draft(user=owner)
        scope.update_draft(draft, {"statement": "Owner wrote this scope."})
    # The owner may approve scopes in general, but not one they wrote.
    with acting_as(owner), pytest.raises(ApprovalRefused, match="segregation of duties"):
        scope.approve(draft, approver=owner, role=Role.OWNER)
    for role in (Role.ISMS_MANAGER, Role.CONTRIBUTOR, Role.AUDITOR, Role.VIEWER):
        user = members_a[role]
        with acting_as(user), pytest.raises(ApprovalRefused):
            scope.approve(draft, approver=user, role=role)
    # A manager who only edited someone else's draft is an author too.
    manager = members_a[Role.ISMS_MANAGER]
    with acting_as(manager):
        scope.update_draft(draft, {"justification": "Covers everything."})
    approver = members_a[Role.APPROVER]
    with acting_as(approver):
        scope.approve(draft, approver=approver, role=Role.APPROVER)
    assert Approval.objects.filter(kind="scope").count() == 1


def test_reject_needs_a_reason_and_leaves_an_editable_draft(in_org_a, members_a):
    approver = members_a[Role.APPROVER]
    draft = _draft(members_a)
    with acting_as(approver), pytest.raises(ApprovalRefused, match="why"):
        scope.reject(draft, approver=approver, role=Role.APPROVER, comment="  ")
    with acting_as(approver):
        scope.reject(draft, approver=approver, role=Role.APPROVER, comment="Add the factory")
    assert scope.approval_state(draft)["state"] == "rejected"
    with acting_as(members_a[Role.ISMS_MANAGER]):
        draft = scope.update_draft(draft, {"units": ["Factory"]})
    state = scope.approval_state(draft)
    assert state["state"] == "rejected" and not state["current"]  # revised since
    with acting_as(approver):
        scope.approve(draft, approver=approver, role=Role.APPROVER)
    draft.refresh_from_db()
    assert draft.status == ScopeStatus.APPROVED


@pytest.mark.parametrize(
    ("exclusions", "message"),
    [
        ([{"item": "Canteen", "justification": ""}], "Justify the exclusion"),
        ([{"item": "Canteen"}], "Justify the exclusion"),
        ([{"item": "", "justification": "Because"}], "Say what is excluded"),
        ([{"item": "x", "justification": "y", "extra": 1}], "exactly an item"),
        (["Canteen"], "exactly an item"),
        ("Canteen", "list"),
    ],
)
def test_every_exclusion_needs_a_justification(in_org_a, members_a, exclusions, message):
    draft = _draft(members_a)
    with acting_as(members_a[Role.ISMS_MANAGER]), pytest.raises(ValidationError) as exc:
        scope.update_draft(draft, {"exclusions": exclusions})
    assert message in " ".join(exc.value.message_dict["exclusions"])
    # Empty rows (as the form sends them) are simply dropped.
    with acting_as(members_a[Role.ISMS_MANAGER]):
        saved = scope.update_draft(draft, {"exclusions": [{"item": "", "justification": ""}]})
    assert saved.exclusions == []


def test_starter_text_and_empty_statement_are_not_approvable(in_org_a, members_a):
    manager, approver = members_a[Role.ISMS_MANAGER], members_a[Role.APPROVER]
    with acting_as(manager):
        draft = scope.start_draft(user=manager)
    assert "Alpha Ltd" in draft.statement
    with acting_as(approver), pytest.raises(ValidationError) as exc:
        scope.approve(draft, approver=approver, role=Role.APPROVER)
    assert "statement" in exc.value.message_dict
    with acting_as(manager), pytest.raises(ValidationError):
        scope.update_draft(draft, {"statement": "   "})


def test_discarding_a_draft_keeps_the_approved_version(in_org_a, members_a):
    approver = members_a[Role.APPROVER]
    v1 = _draft(members_a)
    with acting_as(approver):
        scope.approve(v1, approver=approver, role=Role.APPROVER)
    with acting_as(members_a[Role.ISMS_MANAGER]):
        v2 = scope.start_draft()
        scope.discard_draft(v2)
        assert scope.start_draft().number == 2  # the number is free again
    assert selectors.approved_scope() == v1
    assert selectors.scope_summary_text() == v1.statement
