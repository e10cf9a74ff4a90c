"""Organisation B's leadership records for the isolation tests (see tests/test_isolation.py)."""

from __future__ import annotations

from openisms.leadership.models import IsmsProcess, IsmsRole
from openisms.leadership.services.commitments import create_commitment
from openisms.leadership.services.roles import create_process, create_role

# Body fields the leadership routes require (PUT /leadership/raci/{process_id}/{role_id}).
API_BODY = {"letter": "R"}


def b_objects(org_b, owner) -> dict[str, str]:
    role = create_role({"name": "B secret role", "responsibilities": "B secret duties"})
    process = create_process({"name": "B secret process", "clause": "8.1"})
    commitment = create_commitment({"title": "B secret budget", "amount": 99}, user=owner)
    assert IsmsRole.objects.filter(pk=role.pk).exists()
    assert IsmsProcess.objects.filter(pk=process.pk).exists()
    return {
        "role_id": str(role.pk),
        "process_id": str(process.pk),
        "commitment_id": str(commitment.pk),
    }
