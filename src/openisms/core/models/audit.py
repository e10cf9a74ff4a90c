"""The append-only, hash-chained audit trail.

Each organisation has its own chain (and the install one more, for entries that belong to no
organisation). Entry *n* stores the HMAC-SHA-256 (under the audit key kept outside the database,
see ``core.audit_chain``) of its own canonical content including the hash of entry *n-1*; the chain
head stores the last sequence number and hash. Editing, deleting or reordering any past entry, or
cutting off the newest ones, breaks a link that ``openisms audit verify`` recomputes; anchors kept
outside the install also catch a cut-off tail. Appends lock the chain head row, so concurrent
writers queue instead of forking the chain.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from openisms.core.audit_chain import (
    ALGORITHMS,
    GENESIS,
    INSTALL_CHAIN,
    KEYED,
    canonical_json,
    entry_digest,
    entry_payload,
)
from openisms.core.context import Actor, require_org

__all__ = [
    "GENESIS",
    "INSTALL_CHAIN",
    "AuditChainHead",
    "AuditEntry",
    "canonical_json",
    "chain_key",
]


def chain_key(organisation: Any) -> str:
    return f"org:{organisation.pk}" if organisation is not None else INSTALL_CHAIN


class AuditChainHead(models.Model):
    chain = models.CharField(max_length=64, unique=True)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS)

    def __str__(self) -> str:
        return f"{self.chain} @ {self.seq}"


class ScopedAuditManager(models.Manager):
    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(organisation_id=require_org().pk)


class AuditEntry(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    chain = models.CharField(max_length=64)
    seq = models.PositiveBigIntegerField()
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    actor_label = models.CharField(max_length=150)
    action = models.CharField(max_length=20)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=200)
    changes = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    # "sha256" only for entries from before the chain was keyed; see core.audit_chain.
    algorithm = models.CharField(max_length=16, choices=ALGORITHMS)

    objects = ScopedAuditManager()
    unscoped = models.Manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["chain", "seq"], name="audit_chain_seq")]
        indexes = [
            models.Index(fields=["organisation", "-at"], name="audit_org_at"),
            models.Index(fields=["organisation", "object_type", "object_id"], name="audit_obj"),
            models.Index(fields=["organisation", "actor"], name="audit_actor"),
        ]
        ordering = ["-at", "-seq"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type} {self.object_repr}"

    def payload(self) -> dict[str, Any]:
        """The content the hash covers: everything but the hash itself."""
        return entry_payload(self)

    def compute_hash(self, key: bytes | None = None) -> str:
        """The hash under the entry's algorithm; keyed entries use the configured audit key."""
        return entry_digest(self, key)

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("Audit entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError("Audit entries are append-only.")

    @classmethod
    def append(
        cls,
        *,
        organisation: Any,
        actor: Actor | None,
        action: str,
        object_type: str,
        object_id: str,
        object_repr: str,
        changes: dict[str, Any],
    ) -> AuditEntry:
        key = chain_key(organisation)
        with transaction.atomic():
            head = _locked_head(key)
            entry = cls(
                chain=key,
                seq=head.seq + 1,
                organisation=organisation,
                at=timezone.now(),
                actor_id=actor.user_id if actor else None,
                actor_label=(actor.label if actor else "system")[:150],
                action=action,
                object_type=object_type,
                object_id=object_id,
                object_repr=object_repr,
                # Round-trip through JSON so the stored value is exactly what was hashed.
                changes=json.loads(canonical_json(changes)),
                prev_hash=head.hash,
                algorithm=KEYED,
            )
            entry.hash = entry.compute_hash()
            entry.save(force_insert=True)
            head.seq, head.hash = entry.seq, entry.hash
            head.save(update_fields=["seq", "hash"])
        return entry


def _locked_head(key: str) -> AuditChainHead:
    heads = AuditChainHead.objects.select_for_update()
    try:
        return heads.get(chain=key)
    except AuditChainHead.DoesNotExist:
        pass
    try:
        with transaction.atomic():
            AuditChainHead.objects.create(chain=key)
    except IntegrityError:
        pass  # another writer created it first; lock theirs
    return heads.get(chain=key)
