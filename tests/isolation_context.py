"""Isolation samples of the context module (see test_isolation): one record of each kind."""

from __future__ import annotations

from openisms.context.services import issues, parties, scope

# Ninja validates request bodies before the organisation is resolved: the one field a context
# body requires beyond the shared ones ("title", "name"). ``kind`` and ``source`` are checked
# by the services, so other modules' values for those keys do not turn a 404 into a 422.
API_BODY = {"comment": "x"}


def b_objects(org_b, owner) -> dict[str, str]:
    issue = issues.create_issue({"title": "B secret issue", "kind": "internal",
                                 "category": "other"})  # fmt: skip
    party = parties.create_party({"name": "B secret party", "kind": "customer"})
    # Linked to B's A.5.1: A's control page and SoA justification must never cite it.
    requirement = parties.create_obligation(
        {"title": "B secret requirement", "source": "contract", "parties": [party],
         "controls": ["A.5.1"]}
    )  # fmt: skip
    draft = scope.start_draft(user=owner)
    scope.update_draft(draft, {"statement": "B secret scope statement"})
    return {
        "issue_id": str(issue.pk),
        "party_id": str(party.pk),
        "requirement_id": str(requirement.pk),
        "scope_id": str(draft.pk),
    }
