"""Uploads kept as ImportJobs: stored through Django's storage (never served back), checked,
re-checked after a change of column mapping, and finally imported from the stored bytes.

A run (dry or real) is queued and performed by :mod:`openisms.risk.tasks`. Its state lives in
``job.report["state"]``: ``queued`` and ``running`` while the report holds only bookkeeping,
``done`` once the finished report has replaced it (ImportStatus keeps its four values).

Progress. The rows are written inside one transaction (all or nothing), so nothing the run
writes to the database is visible to the page that polls it before the end: PostgreSQL shows
other connections committed rows only, and SQLite has a single writer, which the import holds.
The row count therefore goes to a small store outside the database: the cache named
``progress`` in ``settings.CACHES`` if the install defines one (needed when the worker runs on
another host: e.g. Redis), else files in ``OPENISMS_HOME/cache/progress`` (Django's file cache,
each write an atomic rename). Should neither be shared with the web process, the page shows
an indeterminate bar until the final report arrives.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import time
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.filebased import FileBasedCache
from django.core.files.base import ContentFile
from django.utils import timezone

from openisms.risk.io import columns as C
from openisms.risk.io.importer import Progress, run_import
from openisms.risk.io.reader import (
    MAX_BYTES,
    FileRejected,
    Table,
    check_size,
    file_format,
    read_table,
)
from openisms.risk.io.report import Report
from openisms.risk.models import ImportJob, ImportMapping, ImportStatus

logger = logging.getLogger(__name__)

QUEUED, RUNNING, DONE = "queued", "running", "done"
ACTIVE = (QUEUED, RUNNING)
PROGRESS_CACHE = "progress"
PROGRESS_TIMEOUT = 24 * 3600  # a run killed half-way leaves nothing behind for long


def read_path(path: str | Path) -> Table:
    """A file named on the command line: its type and size are checked before it is read."""
    path = Path(path)
    file_format(path.name)
    try:
        check_size(path.stat().st_size)
        data = path.read_bytes()
    except OSError as exc:
        raise FileRejected(f"Cannot read {path}: {exc.strerror or exc}.")
    return read_table(path.name, data)


def start_job(kind: str, upload: Any, user: Any) -> tuple[ImportJob, Table]:
    """Read an uploaded file and keep it as an ImportJob (not yet checked).

    Refused files (:class:`FileRejected`: wrong type, too big, unreadable) are not stored.
    """
    fmt = file_format(upload.name)
    check_size(upload.size)  # before reading a byte of it
    data = b"".join(upload.chunks())
    check_size(len(data))
    table = read_table(upload.name, data)
    keys = {C.header_key(h) for h in table.headers}
    job = ImportJob(
        kind=kind,
        filename=Path(upload.name).name[:200],
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        uploaded_by=user,
        mapping={k: v for k, v in remembered_mapping(kind).items() if k in keys},
    )
    # Our own name on disk: nothing of the uploader's file name reaches the storage path.
    job.file.save(f"{uuid.uuid4().hex}.{fmt}", ContentFile(data), save=False)
    job.save()
    return job, table


def load_table(job: ImportJob) -> Table:
    with job.file.open("rb") as handle:
        data = handle.read(MAX_BYTES + 1)
    if hashlib.sha256(data).hexdigest() != job.sha256:
        raise FileRejected("The stored upload no longer matches what was checked; upload it again.")
    return read_table(job.filename, data)


# --- state ---------------------------------------------------------------------------------


def job_state(job: ImportJob) -> str:
    """``queued``, ``running`` or ``done``; empty for an upload never checked."""
    return (job.report or {}).get("state") or (DONE if job.report else "")


def mark_queued(job: ImportJob, *, dry_run: bool, rows: int) -> None:
    job.report = {
        "state": QUEUED,
        "kind": job.kind,
        "dry_run": dry_run,
        "rows": rows,
        "queued_at": timezone.now().isoformat(),
    }
    job.save(update_fields=["report"])


def mark_running(job: ImportJob) -> None:
    job.report = {**job.report, "state": RUNNING, "started_at": timezone.now().isoformat()}
    job.save(update_fields=["report"])


def run_job(
    job: ImportJob,
    *,
    dry_run: bool,
    table: Table | None = None,
    progress: Progress | None = None,
) -> Report:
    """Check (or import) the job's file now and keep the finished report on the job."""
    try:
        table = table or load_table(job)
    except FileRejected as exc:
        report = Report(kind=job.kind, dry_run=dry_run)
        report.add(0, "", exc.message)
    else:
        report = run_import(
            job.kind, table, mapping=job.mapping, dry_run=dry_run, progress=progress
        )
    _finish(job, report)
    return report


def fail_job(job: ImportJob, message: str, *, dry_run: bool) -> Report:
    """End a run that could not go ahead (or broke off) with ``message`` as its report."""
    report = Report(kind=job.kind, dry_run=dry_run, rows=(job.report or {}).get("rows", 0))
    report.add(0, "", message)
    _finish(job, report)
    return report


def _finish(job: ImportJob, report: Report) -> None:
    job.report = {**report.to_dict(), "state": DONE}
    if report.done:
        job.status = ImportStatus.IMPORTED
    else:
        job.status = (
            ImportStatus.CHECKED
            if report.ok
            else ImportStatus.NEEDS_MAPPING
            if report.needs_mapping
            else ImportStatus.FAILED
        )
    job.save(update_fields=["report", "status", "mapping"])


# --- progress (outside the database: see the module docstring) -----------------------------


def _progress_store() -> BaseCache:
    if PROGRESS_CACHE in settings.CACHES:
        return caches[PROGRESS_CACHE]
    return FileBasedCache(
        str(Path(settings.HOME) / "cache" / "progress"), {"TIMEOUT": PROGRESS_TIMEOUT}
    )


def _progress_key(job_id: Any) -> str:
    return f"import-job-{job_id}"


def set_progress(job_id: Any, done: int, total: int) -> None:
    try:
        _progress_store().set(
            _progress_key(job_id), {"done": done, "total": total, "at": time.time()}
        )
    except OSError:  # a full or read-only disk costs the progress bar, not the import
        logger.warning("Could not record the progress of import job %s", job_id, exc_info=True)


def get_progress(job_id: Any) -> dict[str, Any] | None:
    try:
        value = _progress_store().get(_progress_key(job_id))
    except Exception:  # noqa: BLE001 - an unreadable entry only costs the progress bar
        return None
    return value if isinstance(value, dict) else None


def clear_progress(job_id: Any) -> None:
    with contextlib.suppress(OSError):
        _progress_store().delete(_progress_key(job_id))


# --- mappings ------------------------------------------------------------------------------


def remembered_mapping(kind: str) -> dict[str, str]:
    record = ImportMapping.objects.filter(kind=kind).first()
    return dict(record.mapping) if record else {}


def remember_mapping(job: ImportJob, mapping: dict[str, str]) -> None:
    """Use ``mapping`` for this job and keep it for the organisation's next import of the kind."""
    mapping = {C.header_key(k): v for k, v in mapping.items()}
    job.mapping = {**job.mapping, **mapping}
    job.save(update_fields=["mapping"])
    record = ImportMapping.objects.filter(kind=job.kind).first()
    if record is None:
        ImportMapping.objects.create(kind=job.kind, mapping=mapping)
    elif {**record.mapping, **mapping} != record.mapping:
        record.mapping = {**record.mapping, **mapping}
        record.save()
