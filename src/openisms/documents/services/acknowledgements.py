"""Read-and-acknowledge (7.3 awareness, 7.5.3 distribution): who was asked to read which published
version, and who confirmed it when. One request per (version, person): a new version asks again."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from openisms.core.context import require_org
from openisms.core.permissions import can
from openisms.documents.models import Acknowledgement, Document, DocumentVersion, VersionStatus
from openisms.documents.services.documents import persons


def in_force(version: DocumentVersion) -> bool:
    return (
        version.status == VersionStatus.PUBLISHED
        and version.document.published_version_id == version.pk
    )


def audience_of(document: Document, audience: str) -> QuerySet:
    """The people to ask: the document's distribution list, or every active member of staff."""
    from openisms.people.models import Person

    if audience == "all":
        return Person.objects.filter(is_active=True)
    return document.distribution.filter(is_active=True)


@transaction.atomic
def request_acknowledgements(
    version: DocumentVersion,
    people: Any,
    due_on: dt.date | None = None,
    *,
    user: Any = None,
) -> int:
    """Ask ``people`` (a queryset, or persons/ids) to acknowledge the published ``version``.

    People already asked for this version are skipped; returns how many requests were added.
    """
    from openisms.people.models import Person

    if not in_force(version):
        raise ValidationError("Only the published version in force can be sent to be read.")
    if due_on is not None and due_on < timezone.localdate():
        raise ValidationError({"due_on": "Pick today or a later date."})
    if isinstance(people, QuerySet):
        wanted = people.filter(is_active=True)
    else:
        chosen = persons(people, "persons")
        wanted = Person.objects.filter(pk__in=[p.pk for p in chosen], is_active=True)
    asked = Acknowledgement.objects.filter(version=version).values("person_id")
    ids = list(wanted.exclude(pk__in=asked).order_by().values_list("pk", flat=True))
    if not ids:
        return 0
    org = require_org()
    now = timezone.now()
    rows = [
        Acknowledgement(
            organisation=org,
            version=version,
            person_id=pk,
            requested_at=now,
            requested_by=user,
            due_on=due_on,
        )  # fmt: skip
        for pk in ids
    ]
    # One trail entry for the batch (it lists every id): a row each for 2,000 staff would
    # bury the other changes of the day.
    Acknowledgement.objects.bulk_create(
        rows, batch_size=500, audit_summary=f"{len(rows)} acknowledgement requests for {version}"
    )
    return len(rows)


@transaction.atomic
def acknowledge(ack: Acknowledgement, *, user: Any, role: str) -> Acknowledgement:
    """``user`` confirms they read the version; a manager may record it for someone else
    (e.g. a signed paper copy) and is then recorded as the one who acknowledged it."""
    ack = (
        Acknowledgement.objects.select_for_update()
        .select_related("version__document", "person")
        .get(pk=ack.pk)
    )
    if ack.person.user_id == user.pk:
        if not can(role, "documents.acknowledge"):
            raise PermissionDenied("Your role only reads documents.")
    elif not can(role, "documents.request_ack"):
        raise PermissionDenied("You can only acknowledge what you were asked to read yourself.")
    if ack.acknowledged_at is not None:
        return ack
    if not in_force(ack.version):
        raise ValidationError(
            f"{ack.version} is no longer the version in force; read and acknowledge the "
            "current one instead."
        )
    ack.acknowledged_at = timezone.now()
    ack.acknowledged_by = user
    ack.save(update_fields=["acknowledged_at", "acknowledged_by"])
    return ack
