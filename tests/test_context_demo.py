"""The demo organisation's context: issues, parties, requirements and an approved scope, built
through the services (the ISMS manager as author, the approver's real sign-off), once."""

from __future__ import annotations

import pytest

from openisms.context import selectors
from openisms.context.demo import load_data
from openisms.context.models import ContextIssue, InterestedParty, Obligation, ScopeVersion
from openisms.core.auditing import object_type
from openisms.core.context import org_context
from openisms.core.models import Approval, AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_org(monkeypatch):
    from openisms.core import demo

    # Only the builders this module depends on: risk (linked risks) and context itself.
    kept = [b for b in demo.DEMO_BUILDERS if b.__module__.split(".")[1] in ("risk", "context")]
    monkeypatch.setattr(demo, "DEMO_BUILDERS", kept)
    return demo.ensure_demo().organisation


def counts() -> dict[str, int]:
    return {
        "issues": ContextIssue.objects.count(),
        "parties": InterestedParty.objects.count(),
        "requirements": Obligation.objects.count(),
        "scopes": ScopeVersion.objects.count(),
        "approvals": Approval.objects.filter(kind="scope").count(),
        "audit": AuditEntry.objects.count(),
    }


def test_demo_context_is_complete_and_built_once(demo_org):
    from openisms.core.demo import ensure_demo

    data = load_data()
    with org_context(demo_org):
        before = counts()
        assert before["issues"] == len(data["issues"]) >= 8
        assert before["parties"] == len(data["parties"]) >= 8
        assert before["requirements"] == len(data["requirements"]) >= 10
        assert {i.kind for i in ContextIssue.objects.all()} == {"internal", "external"}
        linked = ContextIssue.objects.filter(risks__isnull=False).distinct().count()
        assert linked == len(data["issues"])  # every demo issue found its risks
        assert not Obligation.objects.filter(owner__isnull=True).exists()
        assert not Obligation.objects.filter(parties__isnull=True).exists()
        references = set(Obligation.objects.values_list("reference", flat=True))
        assert {"GDPR Art. 32", "GDPR Art. 33"} <= references
        assert any(r.startswith("NIS2 Art. 21") for r in references)

        scope = selectors.approved_scope()
        assert scope is not None and scope.number == 1 and scope.exclusions
        assert all(e["justification"] for e in scope.exclusions)
        assert "Demo Manufacturing Ltd" in selectors.scope_summary_text()
        approval = Approval.objects.get(kind="scope")
        assert approval.approver.username == "approver" and approval.version_label == "v1"
        created = AuditEntry.objects.get(
            object_type=object_type(ScopeVersion), object_id=str(scope.pk), action="create"
        )
        assert created.actor.username == "manager"  # the author in the audit trail
        assert scope.created_by.username == "manager"
        # The SoA sees which controls the register asks for.
        assert len(selectors.controls_to_obligations()) >= 20
    ensure_demo()
    with org_context(demo_org):
        assert counts() == before
