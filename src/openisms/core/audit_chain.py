"""How audit entries are hashed: the keyed chain, its key and the switch-over from plain SHA-256.

Entries are chained with HMAC-SHA-256 under the install's audit key, which lives outside the
database (``OPENISMS_AUDIT_KEY`` or ``OPENISMS_HOME/audit_key``, see ``openisms.home``): someone
who can write the table but not read the key can no longer rewrite an entry and recompute every
hash after it. Entries written before keying keep their plain SHA-256 ("legacy"). Each chain that
has them was sealed by one switch-over entry (action ``audit.keyed``) whose HMAC covers the hash
of the last legacy entry; after it nothing legacy is accepted, and a chain without any keyed entry
is rejected, so rewritten entries cannot pass as legacy.

Plain functions over entry attributes, so the data migration's historical models can use them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

LEGACY = "sha256"
KEYED = "hmac-sha256"
ALGORITHMS = [(LEGACY, "SHA-256 (before keying)"), (KEYED, "HMAC-SHA-256")]
SWITCH_OVER_ACTION = "audit.keyed"
SWITCH_OVER_TYPE = "audit.chain"
GENESIS = "0" * 64
INSTALL_CHAIN = "install"


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def configured_key() -> bytes:
    return settings.AUDIT_KEY.encode()


def key_fingerprint(key: bytes | None = None) -> str:
    """A short public name for a key (to compare servers and anchors); reveals nothing of it."""
    key = configured_key() if key is None else key
    return hmac.new(key, b"openisms audit key fingerprint", hashlib.sha256).hexdigest()[:16]


def key_source() -> str:
    """Where the configured key comes from: the environment variable's name or the file's path."""
    return getattr(settings, "AUDIT_KEY_SOURCE", "settings")


def entry_payload(entry: Any) -> dict[str, Any]:
    """The content an entry's hash covers: everything but the hash itself."""
    payload = {
        "chain": entry.chain,
        "seq": entry.seq,
        "organisation": str(entry.organisation_id) if entry.organisation_id else None,
        "at": entry.at.astimezone(dt.UTC).isoformat(),
        "actor": entry.actor_id,
        "actor_label": entry.actor_label,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "changes": entry.changes,
        "prev_hash": entry.prev_hash,
    }
    if entry.algorithm != LEGACY:
        # Legacy payloads must stay byte-identical to verify; keyed ones bind the algorithm
        # too, so relabelling an entry "legacy" changes what its hash would have to cover.
        payload["algorithm"] = entry.algorithm
    return payload


def entry_digest(entry: Any, key: bytes | None = None) -> str:
    """The hash the entry should carry under its algorithm (the configured key unless given)."""
    content = canonical_json(entry_payload(entry)).encode()
    if entry.algorithm == LEGACY:
        return hashlib.sha256(content).hexdigest()
    if entry.algorithm == KEYED:
        return hmac.new(configured_key() if key is None else key, content, "sha256").hexdigest()
    raise ValueError(f"unknown audit hash algorithm {entry.algorithm!r}")


def digest_matches(entry: Any, key: bytes | None = None) -> bool:
    try:
        expected = entry_digest(entry, key)
    except ValueError:
        return False
    return hmac.compare_digest(expected, entry.hash)


def organisation_id_of(chain: str) -> str | None:
    return None if chain == INSTALL_CHAIN else chain.removeprefix("org:")


def is_switch_over(entry: Any, prev_seq: int, prev_hash: str) -> bool:
    """Is ``entry`` a switch-over sealing a legacy section that ends at (prev_seq, prev_hash)?"""
    sealed = entry.changes.get("sealed") if isinstance(entry.changes, dict) else None
    return (
        entry.algorithm == KEYED
        and entry.action == SWITCH_OVER_ACTION
        and entry.prev_hash == prev_hash
        and isinstance(sealed, dict)
        and sealed.get("seq") == prev_seq
        and sealed.get("hash") == prev_hash
    )


def switch_over(entry_model: Any, head_model: Any, chain: str, *, key: bytes | None = None) -> Any:
    """Append the switch-over entry to a chain that has only legacy entries; None if not needed.

    Works with the live models and with a migration's historical ones.
    """
    key = configured_key() if key is None else key
    with transaction.atomic():
        head = head_model._base_manager.select_for_update().filter(chain=chain).first()
        if head is None or head.seq == 0:
            return None
        if entry_model._base_manager.filter(chain=chain, algorithm=KEYED).exists():
            return None
        entry = entry_model(
            chain=chain,
            seq=head.seq + 1,
            organisation_id=organisation_id_of(chain),
            at=timezone.now(),
            actor_id=None,
            actor_label="system",
            action=SWITCH_OVER_ACTION,
            object_type=SWITCH_OVER_TYPE,
            object_id=chain,
            object_repr="Audit chain keyed with HMAC-SHA-256",
            changes={
                "algorithm": [LEGACY, KEYED],
                "sealed": {"seq": head.seq, "hash": head.hash},
                "key": {"fingerprint": key_fingerprint(key)},
            },
            prev_hash=head.hash,
            algorithm=KEYED,
        )
        entry.hash = entry_digest(entry, key)
        entry.save(force_insert=True)
        head.seq, head.hash = entry.seq, entry.hash
        head.save(update_fields=["seq", "hash"])
    return entry


def switch_over_all(entry_model: Any, head_model: Any, *, key: bytes | None = None) -> int:
    """Seal every chain that is still plain SHA-256; returns how many were switched."""
    chains = head_model._base_manager.order_by("chain").values_list("chain", flat=True)
    return sum(switch_over(entry_model, head_model, c, key=key) is not None for c in list(chains))
