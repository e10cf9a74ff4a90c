"""Reading the audit trail: filtered lists and integrity verification (rules in ``audit_chain``)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from openisms.core.audit_chain import (
    GENESIS,
    KEYED,
    LEGACY,
    SWITCH_OVER_ACTION,
    configured_key,
    digest_matches,
    is_switch_over,
    key_fingerprint,
    key_source,
)
from openisms.core.models import AuditChainHead, AuditEntry

if TYPE_CHECKING:
    from openisms.core.audit_anchors import AnchorPoint


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


@dataclass
class Report:
    """The outcome of verifying one chain or all of them."""

    checked: int = 0
    problems: list[Problem] = field(default_factory=list)
    keyed: int = 0  # entries checked against the audit key
    key_matches: bool | None = None  # None: no keyed entry to tell
    anchored: int = 0  # anchored heads found where the anchor said

    @property
    def intact(self) -> bool:
        return not self.problems

    @property
    def key_source(self) -> str:
        return key_source()

    @property
    def key_label(self) -> str:
        """Where the key comes from, without the server's paths (shown to auditors)."""
        source = key_source()
        in_env = source.startswith("OPENISMS_")
        return f"from {source}" if in_env else "from OPENISMS_HOME/audit_key"

    @property
    def key_fingerprint(self) -> str:
        return key_fingerprint()


def verify(chain: str | None = None) -> tuple[int, list[Problem]]:
    """Recompute every chain (or one); return the number of entries checked and the problems."""
    report = verify_report(chain)
    return report.checked, report.problems


def verify_report(chain: str | None = None, anchor: list[AnchorPoint] | None = None) -> Report:
    """Recompute every chain (or one) and, given a loaded anchor, prove it still extends it."""
    heads = AuditChainHead.objects.all()
    chains = set(heads.values_list("chain", flat=True))
    chains |= set(AuditEntry.unscoped.values_list("chain", flat=True).distinct())
    if chain is not None:
        chains &= {chain}
    report, key = Report(), configured_key()
    any_match = any_miss = False
    for name in sorted(chains):
        n, found, keyed, matched = _verify_chain(name, heads.filter(chain=name).first(), key)
        report.checked += n
        report.keyed += keyed
        report.problems.extend(found)
        any_match |= matched > 0
        any_miss |= keyed > 0 and matched == 0
    if report.keyed:
        report.key_matches = any_match and not any_miss
    if anchor is not None:
        from openisms.core.audit_anchors import check_anchor

        report.anchored, found = check_anchor(anchor, chain)
        report.problems.extend(found)
    return report


def _verify_chain(
    key: str, head: AuditChainHead | None, secret: bytes
) -> tuple[int, list[Problem], int, int]:
    """Entries checked, problems, keyed entries and how many of them match the key."""
    problems: list[Problem] = []
    bad_keyed: list[Problem] = []
    expected_seq, prev, prev_seq = 1, GENESIS, 0
    count = keyed = matched = 0
    sealed_with = ""  # key fingerprint the switch-over entry names, for a clearer message
    for entry in _ordered(key):
        count += 1
        if entry.seq != expected_seq:
            problems.append(
                Problem(key, entry.seq, f"expected entry #{expected_seq}: entries are missing")
            )
        if entry.prev_hash != prev:
            problems.append(Problem(key, entry.seq, "link to the previous entry is broken"))
        if entry.algorithm == LEGACY:
            if keyed:
                problems.append(
                    Problem(
                        key,
                        entry.seq,
                        "plain SHA-256 entry after the chain was keyed: written without the "
                        "audit key (rewritten)",
                    )
                )
            elif not digest_matches(entry):
                problems.append(Problem(key, entry.seq, "content does not match its hash (edited)"))
        elif entry.algorithm == KEYED:
            if not keyed and entry.action == SWITCH_OVER_ACTION:
                sealed_with = str((entry.changes.get("key") or {}).get("fingerprint", ""))
            if not keyed and count > 1 and not is_switch_over(entry, prev_seq, prev):
                problems.append(
                    Problem(
                        key,
                        entry.seq,
                        "the first keyed entry is not the switch-over that seals the plain "
                        "SHA-256 entries before it",
                    )
                )
            keyed += 1
            if digest_matches(entry, secret):
                matched += 1
            else:
                bad_keyed.append(
                    Problem(
                        key,
                        entry.seq,
                        "content does not match its keyed hash (edited, or hashed without the "
                        "audit key)",
                    )
                )
        else:
            problems.append(Problem(key, entry.seq, f"unknown hash algorithm {entry.algorithm!r}"))
        expected_seq, prev_seq, prev = entry.seq + 1, entry.seq, entry.hash
    if count and not keyed:
        problems.append(
            Problem(
                key,
                None,
                "no keyed entry: every chain was switched over to HMAC-SHA-256 on upgrade, so a "
                "chain of plain SHA-256 entries only was rewritten or cut back",
            )
        )
    if keyed and not matched:
        # One clear cause instead of one line per entry.
        configured = key_fingerprint(secret)
        named = sealed_with and sealed_with != configured
        hint = f"; the switch-over names key {sealed_with}" if named else ""
        problems.append(
            Problem(
                key,
                None,
                f"none of the {keyed} keyed entries matches the configured audit key "
                f"({key_source()}, fingerprint {configured}): the key is not the one this chain "
                f"was written with, or every keyed entry was rewritten{hint}",
            )
        )
    else:
        problems.extend(bad_keyed)
    if head is None:
        problems.append(Problem(key, None, "chain head is missing"))
    elif head.seq != expected_seq - 1 or head.hash != prev:
        problems.append(
            Problem(
                key, None, f"chain head says #{head.seq} but the trail ends at #{expected_seq - 1}"
            )
        )
    return count, problems, keyed, matched


def _ordered(key: str) -> Iterator[AuditEntry]:
    return AuditEntry.unscoped.filter(chain=key).order_by("seq").iterator(chunk_size=2000)
