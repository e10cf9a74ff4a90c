"""The demo organisation's leadership module: defaults, holders, competences, commitments."""

from __future__ import annotations

import pytest

from openisms.core.context import org_context
from openisms.core.demo import ensure_demo
from openisms.leadership.models import Commitment, IsmsRole
from openisms.leadership.selectors import competence_gaps, raci_matrix

pytestmark = pytest.mark.django_db


def holdings():
    return sorted(IsmsRole.holders.through.objects.values_list("ismsrole_id", "person_id"))


def test_demo_is_complete_and_idempotent():
    org = ensure_demo().organisation  # the people builder runs first: its staff exist
    with org_context(org):
        roles = {r.name: r for r in IsmsRole.objects.prefetch_related("holders")}
        names = lambda role: {p.full_name for p in roles[role].holders.all()}  # noqa: E731
        assert {"Olivia Owner", "Alex Approver"} <= names("Top management")
        assert names("ISMS manager") == {"Max Manager"}
        assert "Ada Auditor" in names("Internal auditor")
        assert "Chris Contributor" in names("Control owner") and len(names("Control owner")) > 1
        assert len(names("All staff")) >= 30
        assert Commitment.objects.count() == 5
        assert Commitment.objects.filter(amount=45000, kind="resource").exists()
        assert raci_matrix()["warnings"] == []
        # The gap view shows every case: recorded, course-derived, expired and missing.
        cells = [c for r in competence_gaps() for row in r.rows for c in row.cells]
        kinds = {(c.status, c.source) for c in cells}
        assert {("held", "record"), ("held", "course"), ("expired", ""), ("missing", "")} <= kinds
        snapshot = (IsmsRole.objects.count(), Commitment.objects.count(), holdings())
    ensure_demo()
    with org_context(org):
        assert snapshot == (IsmsRole.objects.count(), Commitment.objects.count(), holdings())
