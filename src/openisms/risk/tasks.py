"""Spreadsheet imports run in the background (django-tasks; the worker is ``openisms db_worker``).

Every row goes through the services (≈13 ms a row on SQLite, ≈25 ms on PostgreSQL), so a
2,000-row file needs 30–50 s: more than a web request may take. The web import therefore
queues its dry run and its real run as :func:`run_import_job` and the review page polls the job
(state and progress: see :mod:`openisms.risk.io.jobs`). Files of at most ``INLINE_MAX_ROWS``
rows still run in the request: 1–3 s, quicker than a round trip through the worker, and they
keep working when no worker is running. The CLI (``openisms import``) stays synchronous.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django_tasks import task

from openisms.core.access import find_access
from openisms.core.context import Actor, acting_as, org_context
from openisms.risk.io.jobs import (
    ACTIVE,
    QUEUED,
    clear_progress,
    fail_job,
    job_state,
    mark_queued,
    mark_running,
    run_job,
    set_progress,
)
from openisms.risk.io.reader import Table
from openisms.risk.io.report import Report
from openisms.risk.models import ImportJob, ImportStatus

logger = logging.getLogger(__name__)

INLINE_MAX_ROWS = 100


class Refused(Exception):
    """The job cannot be run now: it is queued, running or already imported."""


def submit(
    job: ImportJob, user: Any, *, dry_run: bool, rows: int, table: Table | None = None
) -> Report | None:
    """Run ``job`` for ``user``: now for a small file (its report is returned), else queued.

    Runs in the current organisation context (a view's). ``table`` spares re-reading a file
    just uploaded when it runs now.
    """
    with transaction.atomic():
        # Locked, so that two clicks on "Import" cannot queue two runs.
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job_state(locked) in ACTIVE:
            raise Refused("This file is already being checked or imported: wait for the result.")
        if locked.status == ImportStatus.IMPORTED:
            raise Refused("This file has already been imported.")
        mark_queued(locked, dry_run=dry_run, rows=rows)
    job.report = locked.report
    user_id = getattr(user, "pk", None)
    if rows <= INLINE_MAX_ROWS:
        return perform(str(job.pk), user_id, dry_run, table=table)
    try:
        run_import_job.enqueue(str(job.pk), user_id, dry_run)
    except Exception:  # noqa: BLE001 - whatever the backend raised, the job must not hang
        logger.exception("Could not queue import job %s", job.pk)
        return fail_job(
            locked, "The run could not be queued for the background worker; try again.",
            dry_run=dry_run,
        )  # fmt: skip
    return None


@task()
def run_import_job(job_id: str, user_id: int | None, dry_run: bool) -> dict[str, Any] | None:
    """The dry run (``dry_run``) or the import of ImportJob ``job_id``, as user ``user_id``."""
    report = perform(job_id, user_id, dry_run)
    if report is None:
        return None
    return {"job": job_id, "imported": report.done, "problems": len(report.errors)}


def perform(
    job_id: str, user_id: int | None, dry_run: bool, *, table: Table | None = None
) -> Report | None:
    """Claim a queued job and run it; None when there was nothing to do."""
    # No organisation context yet: the job tells which organisation to enter.
    found = ImportJob.unscoped.select_related("organisation").filter(pk=job_id).first()
    if found is None:
        return None
    org = found.organisation
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first() if user_id else None
    with org_context(org), acting_as(user or Actor(user_id=None, label="task:import")):
        with transaction.atomic():
            job = ImportJob.objects.select_for_update().get(pk=job_id)
            if job_state(job) != QUEUED:
                return None  # another worker took it, or a retry of a run that finished
            job.organisation = org
            # Committed before the rows' transaction opens, so the page can say "running".
            mark_running(job)
        refusal = _refusal(user, org)
        if refusal:
            return fail_job(job, refusal, dry_run=dry_run)
        try:
            return run_job(
                job, dry_run=dry_run, table=table, progress=functools.partial(set_progress, job.pk)
            )
        except BaseException:
            # The rows' transaction has rolled back; the job must not stay "running" forever.
            logger.exception("Import job %s broke off", job_id)
            _broke_off(job, dry_run)
            raise
        finally:
            clear_progress(job.pk)


def _refusal(user: Any, org: Any) -> str:
    """The person may have lost the right to import since the run was queued."""
    if user is None:
        return "The person who started this run is no longer an active user; nothing was changed."
    access = find_access(user, org.slug)
    if access is None or not access.can("records.import"):
        return f"{user.get_username()} may no longer import into {org.name}; nothing was changed."
    return ""


def _broke_off(job: ImportJob, dry_run: bool) -> None:
    try:
        fail_job(
            job, "The run stopped unexpectedly and nothing was changed. Try again; if it "
            "happens again, tell your administrator (the server log has the details).",
            dry_run=dry_run,
        )  # fmt: skip
    except Exception:  # noqa: BLE001 - e.g. the database connection is gone as well
        logger.exception("Could not record that import job %s broke off", job.pk)
