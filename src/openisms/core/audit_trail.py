"""Reading the audit trail: filtered lists and integrity verification."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import QuerySet

from openisms.core.models import AuditChainHead, AuditEntry
from openisms.core.models.audit import GENESIS


def entries(
    *, object_type: str = "", object_id: str = "", user: str = "", action: str = ""
) -> QuerySet[AuditEntry]:
    """The current organisation's trail, newest first, filtered."""
    qs = AuditEntry.objects.all()
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if user:
        qs = qs.filter(actor_label=user)
    if action:
        qs = qs.filter(action=action)
    return qs.order_by("-at", "-seq")


@dataclass(frozen=True)
class Problem:
    chain: str
    seq: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.chain} #{self.seq}" if self.seq is not None else self.chain
        return f"{where}: {self.message}"


def verify(chain: str | None = None) -> tuple[int, list[Problem]]:
    """Recompute every chain (or one); return the number of entries checked and the problems."""
    heads = AuditChainHead.objects.all()
    chains = set(heads.values_list("chain", flat=True))
    chains |= set(AuditEntry.unscoped.values_list("chain", flat=True).distinct())
    if chain is not None:
        chains &= {chain}
    checked, problems = 0, []
    for key in sorted(chains):
        n, found = _verify_chain(key, heads.filter(chain=key).first())
        checked += n
        problems.extend(found)
    return checked, problems


def _verify_chain(key: str, head: AuditChainHead | None) -> tuple[int, list[Problem]]:
    problems: list[Problem] = []
    expected_seq, prev = 1, GENESIS
    count = 0
    for entry in _ordered(key):
        count += 1
        if entry.seq != expected_seq:
            problems.append(
                Problem(key, entry.seq, f"expected entry #{expected_seq}: entries are missing")
            )
        if entry.prev_hash != prev:
            problems.append(Problem(key, entry.seq, "link to the previous entry is broken"))
        if entry.compute_hash() != entry.hash:
            problems.append(Problem(key, entry.seq, "content does not match its hash (edited)"))
        expected_seq, prev = entry.seq + 1, entry.hash
    if head is None:
        problems.append(Problem(key, None, "chain head is missing"))
    elif head.seq != expected_seq - 1 or head.hash != prev:
        problems.append(
            Problem(
                key, None, f"chain head says #{head.seq} but the trail ends at #{expected_seq - 1}"
            )
        )
    return count, problems


def _ordered(key: str) -> Iterator[AuditEntry]:
    return AuditEntry.unscoped.filter(chain=key).order_by("seq").iterator(chunk_size=2000)
