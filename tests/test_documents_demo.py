"""The demo's documents: the whole policy set approved and published, reading requests (the
viewer's still open), a draft and an in-review procedure, one overdue review; idempotent."""

from __future__ import annotations

import pytest

from openisms.core.context import org_context
from openisms.core.demo import ensure_demo
from openisms.core.models import Approval, AuditEntry
from openisms.documents import policy_templates, selectors
from openisms.documents.models import Acknowledgement, Document

pytestmark = pytest.mark.django_db


def test_demo_documents(system_actor):
    org = ensure_demo().organisation
    with org_context(org):
        keys = {t.key for t in policy_templates.all_templates()}
        policies = Document.objects.exclude(template_key="")
        assert set(policies.values_list("template_key", flat=True)) == keys
        assert set(policies.values_list("status", flat=True)) == {"published"}
        for doc in policies.select_related(
            "published_version__author", "published_version__approved_by"
        ):
            version = doc.published_version
            assert version.author.username == "manager"
            assert version.approved_by.username == "approver"
            assert (
                AuditEntry.objects.get(object_id=str(version.pk), action="create").actor.username
                == "manager"
            )
            assert (
                Approval.objects.filter(subject_id=str(version.pk), decision="approved").count()
                == 1
            )
        statuses = dict(Document.objects.filter(template_key="").values_list("title", "status"))
        assert "draft" in statuses.values() and "in_review" in statuses.values()
        overdue = list(selectors.review_overdue())
        assert len(overdue) == 1 and overdue[0].status == "published"

        isp = policies.get(template_key="information-security-policy")
        acks = Acknowledgement.objects.filter(version=isp.published_version)
        from openisms.people.models import Person

        assert acks.count() == Person.objects.filter(is_active=True).count() > 0
        done = acks.filter(acknowledged_at__isnull=False)
        assert 0 < done.count() < acks.count()
        viewer = acks.get(person__user__username="viewer")
        assert viewer.acknowledged_at is None
        assert [a.pk for a in selectors.my_pending(viewer.person.user)] == [viewer.pk]

        counts = (Document.objects.count(), Acknowledgement.objects.count(),
                  Approval.objects.count())  # fmt: skip
    ensure_demo()
    with org_context(org):
        assert counts == (Document.objects.count(), Acknowledgement.objects.count(),
                          Approval.objects.count())  # fmt: skip
