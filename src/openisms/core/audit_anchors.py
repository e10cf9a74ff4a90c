"""Anchors: the audit chains' heads written down outside the install.

The keyed chain stops anyone without the key from rewriting entries, but someone who can write
the database can still cut the newest entries off and move the chain head back. An anchor (each
chain's sequence number and hash at a moment, kept somewhere else: a ticket, a mail to the
auditor, a write-once bucket) proves later that the chain still extends it: the anchored entry
is still there with the same hash, and since every hash covers the one before, nothing up to it
changed either.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone

from openisms.core.audit_chain import INSTALL_CHAIN, key_fingerprint, organisation_id_of
from openisms.core.audit_trail import Problem
from openisms.core.models import AuditChainHead, AuditEntry, Organisation

FORMAT = "openisms-audit-anchor"
VERSION = 1


class AnchorError(ValueError):
    """The anchor file cannot be read."""


@dataclass(frozen=True)
class AnchorPoint:
    chain: str
    organisation: str | None  # slug when anchored, for people reading the file
    seq: int
    hash: str
    at: str


def _iso(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="seconds")


def build_anchor(chain: str | None = None) -> dict[str, Any]:
    """The current head of every chain (or one) as a JSON-ready document; three queries."""
    heads = AuditChainHead.objects.filter(seq__gt=0).order_by("chain")
    if chain is not None:
        heads = heads.filter(chain=chain)
    heads = list(heads)
    at_head: dict[tuple[str, int], dt.datetime] = {}
    if heads:
        match = Q()
        for head in heads:
            match |= Q(chain=head.chain, seq=head.seq)
        at_head = {
            (c, s): at
            for c, s, at in AuditEntry.unscoped.filter(match).values_list("chain", "seq", "at")
        }
    org_ids = [organisation_id_of(h.chain) for h in heads if h.chain != INSTALL_CHAIN]
    slugs = {
        str(pk): slug
        for pk, slug in Organisation.objects.filter(pk__in=org_ids).values_list("pk", "slug")
    }
    chains = []
    for head in heads:
        at = at_head.get((head.chain, head.seq))
        chains.append(
            {
                "chain": head.chain,
                "organisation": slugs.get(organisation_id_of(head.chain) or ""),
                "seq": head.seq,
                "hash": head.hash,
                "at": _iso(at) if at else None,
            }
        )
    return {
        "format": FORMAT,
        "version": VERSION,
        "created_at": _iso(timezone.now()),
        "key_fingerprint": key_fingerprint(),
        "chains": chains,
    }


def dump_anchor(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def load_anchor(text: str) -> list[AnchorPoint]:
    """Parse an anchor file; AnchorError says what is wrong with it."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise AnchorError(f"not JSON ({exc.msg} at line {exc.lineno})") from exc
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise AnchorError(f'not an OpenISMS audit anchor (no "format": "{FORMAT}")')
    if document.get("version") != VERSION:
        raise AnchorError(f"anchor version {document.get('version')!r} is not supported")
    points = []
    for n, item in enumerate(document.get("chains") or [], start=1):
        try:
            points.append(
                AnchorPoint(
                    chain=str(item["chain"]),
                    organisation=item.get("organisation"),
                    seq=int(item["seq"]),
                    hash=str(item["hash"]),
                    at=str(item.get("at") or ""),
                )
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise AnchorError(f"chain #{n} lacks chain, seq or hash") from exc
    if not points:
        raise AnchorError("the anchor lists no chains")
    return points


def check_anchor(points: list[AnchorPoint], chain: str | None = None) -> tuple[int, list[Problem]]:
    """How many anchored heads are still in place, and a problem for each one that is not."""
    if chain is not None:
        points = [p for p in points if p.chain == chain]
        if not points:
            return 0, [Problem(chain, None, "the anchor file has no head for this chain")]
    match = Q()
    for point in points:
        match |= Q(chain=point.chain, seq=point.seq)
    found = dict(
        ((c, s), h)
        for c, s, h in AuditEntry.unscoped.filter(match).values_list("chain", "seq", "hash")
    )
    ends = dict(
        AuditChainHead.objects.filter(chain__in={p.chain for p in points}).values_list(
            "chain", "seq"
        )
    )
    problems, held = [], 0
    for point in points:
        name = point.organisation or point.chain
        when = f"anchored {point.at}" if point.at else "anchored"
        current = found.get((point.chain, point.seq))
        if current is None:
            end = ends.get(point.chain)
            where = f"the chain now ends at #{end}" if end is not None else "the chain is gone"
            problems.append(
                Problem(
                    point.chain,
                    point.seq,
                    f"{name}: entry #{point.seq} ({when}) is missing — {where}: the trail was "
                    "cut back past the anchor",
                )
            )
        elif current != point.hash:
            problems.append(
                Problem(
                    point.chain,
                    point.seq,
                    f"{name}: entry #{point.seq} no longer has the hash {when}: the trail was "
                    "rewritten at or before the anchor",
                )
            )
        else:
            held += 1
    return held, problems
