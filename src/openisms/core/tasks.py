"""Background tasks of the core: the daily purge of records deleted more than 30 days ago.

django-tasks has no timetable, so the purge schedules its own next run: ``openisms serve``
calls :func:`schedule_purge` when it starts (one queued run at a time), and each run queues
the next one a day later. The worker beside the web server (``openisms db_worker``) runs it.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.utils import timezone
from django_tasks import task

from openisms.core.services.deletion import purge_expired

logger = logging.getLogger(__name__)

PURGE_EVERY = dt.timedelta(days=1)


@task()
def purge_deleted() -> dict[str, Any]:
    report = purge_expired()
    schedule_purge(timezone.now() + PURGE_EVERY)
    return {"purged": len(report.purged), "kept": len(report.kept)}


def schedule_purge(run_after: dt.datetime | None = None) -> bool:
    """Queue the next purge unless one is queued already; True when one was queued."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    if DBTaskResult.objects.filter(
        task_path=purge_deleted.module_path, status=TaskResultStatus.READY
    ).exists():
        return False
    try:
        purge_deleted.using(run_after=run_after or timezone.now()).enqueue()
    except Exception:  # noqa: BLE001 - serving must not fail because the queue is unavailable
        logger.exception("Could not queue the purge of deleted records")
        return False
    return True
