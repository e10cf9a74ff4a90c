"""Generic sign-off: version-bound by content hash, segregation of duties, role rules."""

from __future__ import annotations

import pytest

from openisms.core.context import acting_as, org_context
from openisms.core.models import Approval
from openisms.core.permissions import Role
from openisms.core.services.approvals import ApprovalRefused, approval_status, decide
from openisms.core.services.organisations import set_membership
from tests.conftest import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(org_a, members_a):
    """A record authored by the ISMS manager (a membership change stands in for a policy)."""
    with acting_as(members_a[Role.ISMS_MANAGER]):
        return set_membership(org_a, members_a[Role.VIEWER], Role.CONTRIBUTOR)


def test_approver_signs_off_a_version(item, members_a, org_a):
    with org_context(org_a), acting_as(members_a[Role.APPROVER]):
        approval = decide(
            item, approver=members_a[Role.APPROVER], role=Role.APPROVER,
            decision="approved", kind="policy", comment="Fine", version_label="v1",
        )  # fmt: skip
        assert len(approval.content_hash) == 64
        assert approval_status(item, "policy")["state"] == "approved"
        item.role = Role.APPROVER
        item.save()
        # The approval covered the old content; the new content is not approved.
        assert approval_status(item, "policy")["state"] == "outdated"


def test_author_may_not_approve_their_own_record(item, members_a, org_a):
    manager = members_a[Role.ISMS_MANAGER]
    set_membership(org_a, manager, Role.APPROVER)  # even with the right role
    with org_context(org_a), pytest.raises(ApprovalRefused, match="segregation of duties"):
        decide(item, approver=manager, role=Role.APPROVER, decision="approved", kind="policy")
    assert not Approval.unscoped.exists()


def test_role_without_decide_right_is_refused(item, members_a, org_a):
    for role in (Role.ISMS_MANAGER, Role.CONTRIBUTOR, Role.AUDITOR, Role.VIEWER):
        with org_context(org_a), pytest.raises(ApprovalRefused, match="may not approve"):
            decide(item, approver=members_a[Role.OWNER], role=role, decision="approved", kind="x")


def test_rejection_needs_a_reason_and_is_recorded(item, members_a, org_a):
    approver = members_a[Role.APPROVER]
    with org_context(org_a):
        with pytest.raises(ApprovalRefused, match="Say why"):
            decide(item, approver=approver, role=Role.APPROVER, decision="rejected", kind="soa")
        decide(item, approver=approver, role=Role.APPROVER, decision="rejected", kind="soa",
               comment="Scope is missing the cloud platform")  # fmt: skip
        assert approval_status(item, "soa")["state"] == "rejected"
    page = login(members_a[Role.VIEWER]).get("/o/alpha/approvals/").content.decode()
    assert "Scope is missing the cloud platform" in page and "Rejected" in page


def test_approvals_page_empty_state(members_a):
    page = login(members_a[Role.VIEWER]).get("/o/alpha/approvals/").content.decode()
    assert "No sign-offs yet" in page
