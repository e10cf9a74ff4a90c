"""Concurrent writers queue on the chain head instead of forking the audit trail."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from openisms.core.audit_trail import verify
from openisms.core.auditing import record
from openisms.core.context import Actor, acting_as
from openisms.core.db_guards import install_append_only_guard, remove_append_only_guard
from openisms.core.models import AuditEntry, Organisation
from openisms.core.models.audit import chain_key

pytestmark = [pytest.mark.flushes_db, pytest.mark.django_db(transaction=True)]

WRITERS, EACH = 4, 15


@pytest.fixture
def org():
    install_append_only_guard(connection)
    with acting_as(Actor(user_id=None, label="tests")):
        organisation = Organisation.objects.create(slug="busy", name="Busy Ltd")
    yield organisation
    remove_append_only_guard(connection)  # lets the transactional teardown empty the table


def test_parallel_appends_keep_one_unbroken_chain(org):
    errors: list[BaseException] = []
    barrier = threading.Barrier(WRITERS)

    def writer(n: int) -> None:
        try:
            barrier.wait()
            with acting_as(Actor(user_id=None, label=f"writer-{n}")):
                for i in range(EACH):
                    record("update", org, {"n": [n, i]})
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    seqs = sorted(AuditEntry.unscoped.filter(chain=chain_key(org)).values_list("seq", flat=True))
    assert seqs == list(range(1, WRITERS * EACH + 2))  # +1: the organisation's own creation
    checked, problems = verify(chain_key(org))
    assert problems == [] and checked == WRITERS * EACH + 1
