"""Evidence that controls work: checked file uploads, links and notes (clause 6.1.3, 7.5).

Files go through :mod:`openisms.core.uploads` (size limit, content sniffing against an
allow-list, SHA-256); they are stored under the evidence's id in the storage API, never under the
user's name, and only ever served by the authorised download view. A refused upload leaves
nothing behind: neither a row nor a file.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from openisms.controls.models import Control, Evidence, EvidenceKind
from openisms.core import uploads
from openisms.core.context import require_org
from openisms.core.models.sequence import next_ref
from openisms.core.validation import as_date, clean_text
from openisms.people.identity import owner_filter_q, resolve_owner
from openisms.risk.models import Risk

EXTENSIONS = {
    "pdf": "pdf", "png": "png", "jpg": "jpeg", "jpeg": "jpeg", "docx": "docx", "xlsx": "xlsx",
    "odt": "odt", "ods": "ods", "txt": "text", "csv": "text",
}  # fmt: skip
ALLOWED_TEXT = (
    "PDF, PNG, JPEG, Word (.docx), Excel (.xlsx), OpenDocument (.odt, .ods), plain text (.txt) "
    "or CSV"
)
EXPIRING_DAYS = 30


def max_bytes() -> int:
    """The size limit (``OPENISMS_EVIDENCE_MAX_MB`` in the environment, default 25 MB)."""
    return int(getattr(settings, "EVIDENCE_MAX_BYTES", 25 * 1024 * 1024))


def check_file(upload: Any) -> dict[str, Any]:
    return uploads.check_upload(
        upload, max_bytes=max_bytes(), extensions=EXTENSIONS, allowed_text=ALLOWED_TEXT
    )


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None


def _resolve(model: Any, values: Any, field: str, what: str) -> list[Any]:
    """Records of the current organisation given as instances, ids or refs; unknown ones are a
    clear error naming them (the scoped manager hides other organisations' records)."""
    if isinstance(values, str):
        values = [v for v in values.replace(",", " ").split() if v]
    found, wanted = [], []
    for value in values or []:
        if isinstance(value, model):
            found.append(value)
        else:
            wanted.append(str(value).strip())
    if wanted:
        ids = [u for u in map(_uuid, wanted) if u]
        refs = [w for w in wanted if not _uuid(w)]
        rows = list(model.objects.filter(Q(pk__in=ids) | Q(ref__in=refs)))
        known = {str(r.pk) for r in rows} | {r.ref for r in rows}
        missing = [w for w in wanted if w not in known and str(_uuid(w)) not in known]
        if missing:
            raise ValidationError(
                {field: f"No {what} {', '.join(missing[:5])} in this organisation."}
            )
        found.extend(rows)
    return list({r.pk: r for r in found}.values())


def _apply(ev: Evidence, data: dict[str, Any]) -> tuple[list | None, list | None]:
    for name in ("title", "description"):
        if name in data:
            setattr(ev, name, clean_text(data[name], name))
    if not ev.title:
        raise ValidationError({"title": "Give the evidence a title."})
    if "owner" in data:
        ev.owner = resolve_owner(data["owner"], "owner")
    if "collected_on" in data:
        ev.collected_on = as_date(data["collected_on"], "collected_on") or timezone.localdate()
    if "valid_until" in data:
        ev.valid_until = as_date(data["valid_until"], "valid_until")
    if ev.valid_until and ev.collected_on and ev.valid_until < ev.collected_on:
        raise ValidationError(
            {"valid_until": "The validity cannot end before the evidence was collected."}
        )
    if ev.kind == EvidenceKind.LINK and "url" in data:
        url = clean_text(data["url"], "url")
        if not url.lower().startswith(("http://", "https://")) or len(url) < 11:
            raise ValidationError({"url": "Give a web address starting with https:// or http://."})
        ev.url = url
    if ev.kind == EvidenceKind.LINK and not ev.url:
        raise ValidationError({"url": "A link needs a web address (https://…)."})
    if ev.kind == EvidenceKind.NOTE and "note" in data:
        ev.note = clean_text(data["note"], "note")
    if ev.kind == EvidenceKind.NOTE and not ev.note:
        raise ValidationError({"note": "A note needs its text: what was observed, by whom."})
    controls = (
        _resolve(Control, data["controls"], "controls", "control") if "controls" in data else None
    )
    risks = _resolve(Risk, data["risks"], "risks", "risk") if "risks" in data else None
    return controls, risks


def _full_clean(ev: Evidence) -> None:
    try:
        ev.full_clean(exclude=["organisation", "controls", "risks", "file", "ref"])
    except ValidationError as exc:
        if "url" in exc.message_dict:
            raise ValidationError({"url": "Give a valid web address (https://…)."}) from None
        raise


@transaction.atomic
def create_evidence(data: dict[str, Any], upload: Any = None, *, user: Any = None) -> Evidence:
    """Create evidence of ``data["kind"]`` (file needs ``upload``; link ``url``; note ``note``)."""
    org = require_org()
    kind = data.get("kind") or (EvidenceKind.FILE if upload is not None else "")
    if kind not in EvidenceKind.values:
        raise ValidationError({"kind": "Choose file, link or note."})
    info = None
    if kind == EvidenceKind.FILE:
        if upload is None:
            raise ValidationError({"file": "Choose the file to upload."})
        info = check_file(upload)  # before anything is written
    ev = Evidence(organisation=org, kind=kind, uploaded_by=user)
    if "owner" not in data:
        data = {**data, "owner": user}
    controls, risks = _apply(ev, data)
    if info:
        ev.file_name, ev.file_size = info["name"], info["size"]
        ev.file_type, ev.file_sha256 = info["type"], info["sha256"]
    _full_clean(ev)
    ev.ref = next_ref(org, "EV")
    storage, stored = ev.file.storage, ""
    try:
        if info:
            # upload_to names it after the evidence's id: the user's name is display only.
            ev.file.save("upload.bin", File(upload), save=False)
            stored = ev.file.name
        ev.save()
        if controls is not None:
            ev.controls.set(controls)
        if risks is not None:
            ev.risks.set(risks)
    except Exception:
        if stored:
            storage.delete(stored)
        raise
    return ev


@transaction.atomic
def update_evidence(ev: Evidence, data: dict[str, Any]) -> Evidence:
    """Change metadata and links; the kind and a file's content never change (upload anew)."""
    data = {k: v for k, v in data.items() if k not in ("kind", "file")}
    controls, risks = _apply(ev, data)
    _full_clean(ev)
    ev.save()
    if controls is not None:
        ev.controls.set(controls)
    if risks is not None:
        ev.risks.set(risks)
    return ev


@transaction.atomic
def delete_evidence(ev: Evidence) -> None:
    """Soft-delete evidence: links and the stored file stay until the purge (restorable)."""
    ev.delete()


# --- reads ---------------------------------------------------------------------------------


def evidence_list(filters: dict[str, str] | None = None) -> QuerySet[Evidence]:
    """Evidence with what the list shows, filtered by kind, control ref, owner, validity, text."""
    f = filters or {}
    today = timezone.localdate()
    rows = Evidence.objects.select_related("owner").order_by("-collected_on", "-ref")
    if f.get("kind") in EvidenceKind.values:
        rows = rows.filter(kind=f["kind"])
    if f.get("control"):
        rows = rows.filter(controls__ref__iexact=f["control"]).distinct()
    if f.get("owner"):
        rows = rows.filter(owner_filter_q(f["owner"]))
    validity = f.get("validity")
    if validity == "expired":
        rows = rows.filter(valid_until__lt=today)
    elif validity == "valid":
        rows = rows.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
    elif validity == "expiring":
        soon = today + dt.timedelta(days=EXPIRING_DAYS)
        rows = rows.filter(valid_until__gte=today, valid_until__lte=soon)
    if f.get("q"):
        q = f["q"]
        rows = rows.filter(
            Q(ref__icontains=q) | Q(title__icontains=q) | Q(description__icontains=q)
            | Q(file_name__icontains=q) | Q(url__icontains=q)
        )  # fmt: skip
    return rows


def expiring_and_expired(limit: int = 10) -> dict[str, Any]:
    today = timezone.localdate()
    soon = today + dt.timedelta(days=EXPIRING_DAYS)
    base = Evidence.objects.filter(valid_until__isnull=False).order_by("valid_until", "ref")
    expired = base.filter(valid_until__lt=today)
    expiring = base.filter(valid_until__gte=today, valid_until__lte=soon)
    return {
        "expired": list(expired[:limit]),
        "expiring": list(expiring[:limit]),
    }
