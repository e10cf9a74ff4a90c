"""Isolation samples of safe deletion: a deleted record of org B (see test_isolation)."""

from __future__ import annotations

from openisms.context.services import issues


def b_objects(org_b, owner) -> dict[str, str]:
    issue = issues.create_issue(
        {"title": "B secret deleted issue", "kind": "internal", "category": "other"}
    )
    issue.delete()
    return {"record_type": "context.contextissue", "record_id": str(issue.pk)}
