"""Web imports of big files run in the background (django-tasks) and show their progress."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from openisms.core.context import Actor, acting_as, org_context
from openisms.core.models import AuditEntry
from openisms.core.permissions import Role
from openisms.core.services.organisations import set_membership
from openisms.risk import tasks
from openisms.risk.io import importer, jobs
from openisms.risk.models import Asset, ImportJob
from tests.conftest import login
from tests.test_risk_io import csv_bytes

pytestmark = pytest.mark.django_db
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
ROWS = 12  # above the (lowered) inline limit: these files go through the task backend
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _immediate_tasks(settings, monkeypatch):
    settings.TASKS = IMMEDIATE
    monkeypatch.setattr(tasks, "INLINE_MAX_ROWS", 5)  # small files keep the tests quick


def assets_file(rows: int = ROWS, name: str = "a.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, csv_bytes([["name"], *[[f"Asset {i}"] for i in range(rows)]]))


def upload(client, rows: int = ROWS, dry_run: bool = True):
    url = reverse("core:risk:import_upload", args=["alpha", "assets"])
    data = {"file": assets_file(rows), **({"dry_run": "on"} if dry_run else {})}
    return client.post(url, data)


def review_url(job) -> str:
    return reverse("core:risk:import_review", args=["alpha", "assets", job.pk])


def run_worker(monkeypatch) -> None:
    """What `openisms db_worker --batch` does: run every queued task, then stop."""
    from django_tasks_db.management.commands import db_worker

    # The worker checks its connection between tasks; inside the test's transaction that
    # would close it under our feet.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    db_worker.Worker(
        queue_names=["default"], interval=0, batch=True, backend_name="default",
        startup_delay=False, max_tasks=None, worker_id="test-worker", excluded_queue_names=[],
    ).run()  # fmt: skip


def test_database_backend_queues_and_the_worker_imports(org_a, members_a, monkeypatch, settings):
    settings.TASKS = DATABASE
    manager = members_a[Role.ISMS_MANAGER]
    client = login(manager)
    response = upload(client)
    job = ImportJob.unscoped.get()
    assert response.status_code == 302 and response["Location"] == review_url(job)
    assert jobs.job_state(job) == "queued" and job.status == "uploaded"
    queued = DBTaskResult.objects.get()
    assert queued.status == "READY" and queued.task_path == "openisms.risk.tasks.run_import_job"
    assert queued.args_kwargs["args"] == [str(job.pk), manager.pk, True]  # JSON only
    page = client.get(review_url(job)).text
    assert "Waiting for the background worker" in page and "<progress aria-label" in page
    assert 'hx-trigger="every 1s"' in page and "Import 12 rows" not in page
    body = client.get(review_url(job) + "?part=progress", **HX).text  # what htmx polls
    assert '<section id="import-progress"' in body and 'hx-trigger="every 1s"' in body
    assert "<html" not in body and "may not be running" not in body
    with org_context(org_a), acting_as(Actor(user_id=None, label="tests")):
        job.report["queued_at"] = (timezone.now() - dt.timedelta(minutes=2)).isoformat()
        job.save(update_fields=["report"])
    assert "may not be running" in client.get(review_url(job) + "?part=progress", **HX).text
    assert "Queued (check)" in client.get(reverse("core:risk:import_upload",
                                                  args=["alpha", "assets"])).text  # fmt: skip

    run_worker(monkeypatch)
    job.refresh_from_db()
    assert job.status == "checked" and jobs.job_state(job) == "done" and job.report["created"] == 12
    assert DBTaskResult.objects.get().status == "SUCCESSFUL" and Asset.unscoped.count() == 0
    finished = client.get(review_url(job) + "?part=progress", **HX)
    assert finished["HX-Refresh"] == "true"  # the poll stops: the page reloads with the report
    page = client.get(review_url(job)).text
    assert "Import 12 rows" in page and "every 1s" not in page

    response = client.post(review_url(job), {"action": "import"})
    assert response["Location"] == review_url(job) and Asset.unscoped.count() == 0
    again = client.post(review_url(job), {"action": "import"}, follow=True)
    assert "being checked or imported" in again.text  # a second click queues nothing
    with org_context(org_a), pytest.raises(tasks.Refused):  # nor does a racing request
        tasks.submit(job, manager, dry_run=False, rows=12)
    assert DBTaskResult.objects.count() == 2
    assert "Importing" in client.get(review_url(job)).text

    run_worker(monkeypatch)
    job.refresh_from_db()
    assert job.status == "imported" and job.report["done"] and Asset.unscoped.count() == 12
    page = client.get(review_url(job)).text
    assert "Imported: 12 created" in page and '<a href="/o/alpha/risk/assets/">' in page
    entry = AuditEntry.unscoped.filter(object_type="risk.asset").first()
    assert entry.actor_label == manager.username  # written as the person who clicked Import

    tasks.run_import_job.enqueue(str(job.pk), manager.pk, False)  # a retry, a second worker
    run_worker(monkeypatch)
    assert Asset.unscoped.count() == 12 and ImportJob.unscoped.get().report == job.report


def test_other_organisations_cannot_poll_a_job(org_a, members_a, members_b):
    upload(login(members_a[Role.ISMS_MANAGER]))
    job = ImportJob.unscoped.get()
    outsider = login(members_b[Role.OWNER])
    for url in (
        review_url(job) + "?part=progress",
        reverse("core:risk:import_review", args=["bravo", "assets", job.pk]) + "?part=progress",
    ):
        assert outsider.get(url, **HX).status_code == 404
    assert login(members_a[Role.VIEWER]).get(review_url(job), **HX).status_code == 403


def test_progress_is_visible_while_the_rows_are_written(org_a, members_a, monkeypatch):
    """The polled fragment, asked mid-run, shows how far the check has got."""
    manager = members_a[Role.ISMS_MANAGER]
    poller, seen, fragments = login(manager), [], []
    real = jobs.set_progress

    def spy(job_id, done, total):
        real(job_id, done, total)
        seen.append((done, total))
        if done == 60 and not fragments:  # ask the page, as the browser would, mid-transaction
            url = reverse("core:risk:import_review", args=["alpha", "assets", job_id])
            fragments.append(poller.get(url + "?part=progress", **HX).text)

    monkeypatch.setattr(tasks, "set_progress", spy)
    upload(login(manager), rows=150)
    assert seen[0] == (0, 150) and seen[-1] == (150, 150)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen) and len(seen) >= 50  # every 2 %
    assert '<progress value="60" max="150">' in fragments[0]
    assert "Checking row 61 of 150" in fragments[0] and "40 %" in fragments[0]
    job = ImportJob.unscoped.get()
    assert job.status == "checked" and jobs.get_progress(job.pk) is None  # cleared at the end


def test_progress_labels(org_a, members_a, settings, monkeypatch):
    settings.TASKS = DATABASE
    client = login(members_a[Role.ISMS_MANAGER])
    upload(client, dry_run=False)
    job = ImportJob.unscoped.get()
    with org_context(org_a), acting_as(Actor(user_id=None, label="tests")):
        jobs.mark_running(job)
    poll = review_url(job) + "?part=progress"
    assert "Reading the file" in client.get(poll, **HX).text
    jobs.set_progress(job.pk, 12, 12)
    body = client.get(poll, **HX).text
    assert "Saving the imported records" in body and '<progress value="12" max="12">' in body
    assert "No progress for several minutes" not in body
    ten_minutes_ago = time.time() - 600
    with monkeypatch.context() as patch:
        patch.setattr(jobs.time, "time", lambda: ten_minutes_ago)
        jobs.set_progress(job.pk, 3, 12)  # last heard of ten minutes ago: a worker that died
    assert "No progress for several minutes" in client.get(poll, **HX).text
    assert "Importing…" in client.get(reverse("core:risk:import_upload",
                                              args=["alpha", "assets"])).text  # fmt: skip
    jobs.clear_progress(job.pk)


def test_a_run_that_breaks_off_changes_nothing_and_says_so(org_a, members_a, monkeypatch):
    calls = []
    real = importer.create_asset

    def flaky(data, **kw):
        calls.append(1)
        if len(calls) == 7:
            raise RuntimeError("disk on fire")
        return real(data, **kw)

    monkeypatch.setattr(importer, "create_asset", flaky)
    client = login(members_a[Role.ISMS_MANAGER])
    upload(client, dry_run=False)  # the immediate backend records the task as failed
    job = ImportJob.unscoped.get()
    assert Asset.unscoped.count() == 0 and len(calls) == 7
    assert job.status == "failed" and jobs.job_state(job) == "done"
    page = client.get(review_url(job)).text
    assert "stopped unexpectedly" in page and "every 1s" not in page
    assert jobs.get_progress(job.pk) is None


def test_a_queued_run_checks_the_right_to_import_again(org_a, members_a, monkeypatch, settings):
    settings.TASKS = DATABASE
    manager = members_a[Role.ISMS_MANAGER]
    upload(login(manager), dry_run=False)
    with acting_as(Actor(user_id=None, label="tests")):
        set_membership(org_a, manager, Role.VIEWER)  # demoted while the run waited
    run_worker(monkeypatch)
    job = ImportJob.unscoped.get()
    assert job.status == "failed" and Asset.unscoped.count() == 0
    assert f"{manager.username} may no longer import" in job.report["errors"][0]["message"]


def test_small_files_still_run_in_the_request(org_a, members_a, settings, monkeypatch):
    settings.TASKS = DATABASE  # no worker runs in this test
    monkeypatch.setattr(tasks, "INLINE_MAX_ROWS", 100)
    client = login(members_a[Role.ISMS_MANAGER])
    upload(client, rows=100)
    assert ImportJob.unscoped.get().status == "checked" and not DBTaskResult.objects.exists()
    upload(client, rows=101)
    assert jobs.job_state(ImportJob.unscoped.order_by("-created_at").first()) == "queued"
    assert DBTaskResult.objects.count() == 1
