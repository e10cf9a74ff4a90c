"""Organisation scoping is one mechanism: scoped by default, unscoped only when spelled out."""

from __future__ import annotations

import pytest

from openisms.core.context import NoOrganisationContext, org_context
from openisms.core.models import Approval, AuditEntry
from openisms.core.permissions import Role
from openisms.core.services.approvals import decide
from openisms.core.services.organisations import set_membership

pytestmark = pytest.mark.django_db


def test_scoped_query_outside_an_organisation_refuses_to_run(org_a):
    with pytest.raises(NoOrganisationContext):
        list(AuditEntry.objects.all())
    with pytest.raises(NoOrganisationContext):
        Approval.objects.count()


def test_scoped_manager_returns_only_the_current_organisation(members_a, members_b, org_a, org_b):
    with org_context(org_a):
        assert {e.organisation_id for e in AuditEntry.objects.all()} == {org_a.pk}
    with org_context(org_b):
        assert {e.organisation_id for e in AuditEntry.objects.all()} == {org_b.pk}
    assert {e.organisation_id for e in AuditEntry.unscoped.all()} >= {org_a.pk, org_b.pk}


def test_a_record_cannot_be_written_into_another_organisation(members_a, members_b, org_a, org_b):
    with org_context(org_a):
        item = set_membership(org_a, members_a[Role.VIEWER], Role.CONTRIBUTOR)
        approval = decide(item, approver=members_a[Role.APPROVER], role=Role.APPROVER,
                          decision="approved", kind="policy")  # fmt: skip
    assert approval.organisation_id == org_a.pk
    with org_context(org_b), pytest.raises(PermissionError):
        approval.comment = "moved"
        approval.save()
    with org_context(org_b):
        assert not Approval.objects.filter(pk=approval.pk).exists()


def test_new_records_take_the_current_organisation(members_a, org_a):
    from openisms.core.models.approval import Approval as Model

    with org_context(org_a):
        record = Model(
            subject_type="x.y", subject_id="1", subject_repr="thing", kind="k",
            content_hash="0" * 64, approver=members_a[Role.APPROVER], approver_role="approver",
            decision="approved",
        )  # fmt: skip
        record.save()
    assert record.organisation_id == org_a.pk
