"""Spreadsheet import (upload → dry-run report → confirm) and export of the risk records."""

from __future__ import annotations

import datetime as dt
import io

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django_htmx.http import HttpResponseClientRefresh

from openisms.core.access import org_view
from openisms.people.identity import owner_choices
from openisms.risk.io import columns as C
from openisms.risk.io import exporter
from openisms.risk.io.exporter import export_filters
from openisms.risk.io.importer import OWNERS
from openisms.risk.io.jobs import (
    ACTIVE,
    QUEUED,
    RUNNING,
    get_progress,
    job_state,
    remember_mapping,
    start_job,
)
from openisms.risk.io.reader import FileRejected
from openisms.risk.io.report import Report
from openisms.risk.io.resolve import CREATE
from openisms.risk.io.suggest import suggestions
from openisms.risk.models import ImportJob, ImportStatus
from openisms.risk.tasks import Refused, submit

LIST_URLS = {C.ASSETS: "core:risk:assets", C.RISKS: "core:risk:register"}
TITLES = {C.ASSETS: "asset inventory", C.RISKS: "risk register"}
# No sign of life for this long: is a worker running at all / did it stop half-way?
STALLED_AFTER = {QUEUED: dt.timedelta(seconds=30), RUNNING: dt.timedelta(minutes=5)}


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Spreadsheet (.xlsx or .csv, at most 5 MB)",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    dry_run = forms.BooleanField(
        required=False,
        initial=True,
        label="Dry run: check every row and report, change nothing",
    )


def _import_kind(kind: str) -> str:
    if kind not in C.IMPORT_KINDS:
        raise Http404("Nothing to import here.")
    return kind


@org_view("records.import")
def import_upload(request: HttpRequest, kind: str) -> HttpResponse:
    kind = _import_kind(kind)
    org = request.org_access.organisation
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    if request.method == "POST" and form.is_valid():
        try:
            job, table = start_job(kind, form.cleaned_data["file"], request.user)
        except FileRejected as exc:
            form.add_error("file", exc.message)
        else:
            report = submit(
                job, request.user, dry_run=form.cleaned_data["dry_run"], rows=len(table.rows),
                table=table,
            )  # fmt: skip
            if report is not None and report.done:
                return _imported(request, kind, report)
            return redirect("core:risk:import_review", org.slug, kind, job.pk)
    return render(
        request,
        "risk/import_upload.html",
        {
            "form": form,
            "kind": kind,
            "title": TITLES[kind],
            "columns": C.columns(kind),
            "recent": [
                (job, _state_label(job))
                for job in ImportJob.objects.filter(kind=kind).select_related("uploaded_by")[:5]
            ],
            "list_url": LIST_URLS[kind],
            "can_export": request.org_access.can("records.export"),
        },
    )


@org_view("records.import")
def import_review(request: HttpRequest, kind: str, job_id) -> HttpResponse:
    kind = _import_kind(kind)
    org = request.org_access.organisation
    job = get_object_or_404(ImportJob, pk=job_id, kind=kind)
    if request.method == "POST":
        imported = _review_action(request, kind, job)
        if imported is not None:
            return _imported(request, kind, imported)
        return redirect("core:risk:import_review", org.slug, kind, job.pk)
    polled = request.htmx and request.GET.get("part") == "progress"
    if job_state(job) in ACTIVE:
        progress = _progress(job)
        context = {"job": job, "kind": kind, "progress": progress}
        if polled:
            return render(request, "risk/_import_progress.html", context)
        # The fragment polls and changes; the page's own lines do not, so they say less.
        context["state_label"] = "Being checked" if progress["dry_run"] else "Being imported"
        context.update(title=TITLES[kind], list_url=LIST_URLS[kind])
        return render(request, "risk/import_review.html", context)
    if polled:  # finished since the last poll: show the whole page with the report
        return HttpResponseClientRefresh()
    report = Report.from_dict(job.report)
    return render(
        request,
        "risk/import_review.html",
        {
            "job": job,
            "kind": kind,
            "title": TITLES[kind],
            "report": report,
            "mapping_rows": _mapping_rows(kind, job, report),
            "choices": [(f, f) for f in C.importable_fields(kind)] + [(C.IGNORE, "— ignore —")],
            "can_import": job.status == ImportStatus.CHECKED and report.ok,
            "people": owner_choices() if report.unknown_owners else [],
            "list_url": LIST_URLS[kind],
        },
    )


def _review_action(request: HttpRequest, kind: str, job: ImportJob) -> Report | None:
    """Re-check with a new mapping, or import: now for a small file, else in the background.

    Returns the report of an import that has just been done in this request.
    """
    action = request.POST.get("action")
    report = Report.from_dict(job.report)
    if job.status == ImportStatus.IMPORTED:
        messages.info(request, "This file has already been imported.")
        return None
    if job_state(job) in ACTIVE:
        messages.info(request, "This file is being checked or imported: wait for the result.")
        return None
    try:
        if action == "map":
            remember_mapping(job, _posted_mapping(request, kind, job))
            submit(job, request.user, dry_run=True, rows=report.rows)
        elif action == "owners":
            remember_mapping(job, _posted_owners(request, report))
            submit(job, request.user, dry_run=True, rows=report.rows)
        elif action == "import":
            if job.status != ImportStatus.CHECKED or not report.ok:
                messages.error(request, "Fix the problems and run the check again first.")
                return None
            result = submit(job, request.user, dry_run=False, rows=report.rows)
            if result is not None:
                if result.done:
                    return result
                messages.error(request, "Nothing was imported: the data changed since the check.")
    except Refused as exc:
        messages.info(request, str(exc))
    return None


def _progress(job: ImportJob) -> dict:
    """What the progress bar shows; counts come from the run (see io/jobs.py)."""
    state, info = job_state(job), job.report
    dry_run = info.get("dry_run", True)
    verb = "Checking" if dry_run else "Importing"
    total, done = info.get("rows", 0), None
    last_sign = info.get("queued_at")
    if state == QUEUED:
        label = f"Waiting for the background worker to start the {'check' if dry_run else 'import'}"
    else:
        counted = get_progress(job.pk)
        last_sign = info.get("started_at") or last_sign
        if counted is None:
            label = "Reading the file and looking up what it refers to"
        else:
            done, total = counted["done"], counted["total"] or total
            last_sign = dt.datetime.fromtimestamp(counted["at"], dt.UTC).isoformat()
            if done < total:
                label = f"{verb} row {done + 1} of {total}"
            else:  # the rows are done; the transaction is being committed (or rolled back)
                label = "Finishing the check" if dry_run else "Saving the imported records"
    stalled = bool(last_sign) and (
        timezone.now() - dt.datetime.fromisoformat(last_sign) > STALLED_AFTER[state]
    )
    return {
        "state": state,
        "dry_run": dry_run,
        "label": label,
        "done": done,
        "total": total,
        "percent": (100 * done // total) if done is not None and total else None,
        "stalled": stalled,
    }


def _state_label(job: ImportJob) -> str:
    state = job_state(job)
    dry_run = job.report.get("dry_run", True)
    if state == QUEUED:
        return "Queued (check)" if dry_run else "Queued (import)"
    if state in ACTIVE:
        return "Checking…" if dry_run else "Importing…"
    return job.get_status_display()


def _mapping_rows(kind: str, job: ImportJob, report: Report) -> list[dict]:
    """Their headers that are not ours, each with its current (or remembered) choice, else the
    suggested column preselected (:mod:`openisms.risk.io.suggest`)."""
    suggested = suggestions(kind, report.headers, job.mapping)
    rows = []
    for index, header in enumerate(report.headers):
        key = C.header_key(header)
        if not header or (C.field_for_header(kind, header) and key not in job.mapping):
            continue
        value = job.mapping.get(key) or suggested.get(key, "")
        rows.append(
            {"index": index, "header": header, "value": value, "suggested": key in suggested}
        )
    return rows


def _posted_mapping(request: HttpRequest, kind: str, job: ImportJob) -> dict[str, str]:
    allowed = set(C.importable_fields(kind)) | {C.IGNORE}
    report = Report.from_dict(job.report)
    mapping = {}
    for index, header in enumerate(report.headers):
        value = request.POST.get(f"map-{index}", "")
        if header and value in allowed:
            mapping[C.header_key(header)] = value
    return mapping


def _posted_owners(request: HttpRequest, report: Report) -> dict[str, str]:
    """What to do with each unknown owner name: create it, or the person it means."""
    people = {str(pk) for pk in owner_choices().values_list("pk", flat=True)}
    wanted = {n.lower() for n in report.unknown_owners}
    choices = {}
    for index in range(len(report.unknown_owners)):
        name = request.POST.get(f"owner-name-{index}", "").strip()
        value = request.POST.get(f"owner-{index}", "")
        if name.lower() in wanted and (value == CREATE or value in people):
            choices[f"{OWNERS}{name.lower()}"] = value
    return choices


def _imported(request: HttpRequest, kind: str, report: Report) -> HttpResponse:
    url = reverse(LIST_URLS[kind], args=[request.org_access.organisation.slug])
    messages.success(
        request,
        format_html(
            'Imported {}: {} created, {} updated, {} unchanged. <a href="{}">Open the {}</a>.',
            f"{report.rows} row{'' if report.rows == 1 else 's'}", report.created,
            report.updated, report.unchanged, url, TITLES[kind],
        ),
    )  # fmt: skip
    return redirect(url)


@org_view("records.export")
def export(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    if kind not in C.EXPORT_KINDS or fmt not in C.FORMATS:
        raise Http404("No such export.")
    name = exporter.filename(kind, request.org_access.organisation.slug, fmt)
    # The register's export follows the page's filters (the header block names them).
    filters = export_filters(request.GET) if kind == C.RISKS else None
    # Rows are read here, inside the organisation context; only the encoding is streamed.
    data = exporter.rows(kind, filters)
    if fmt == "csv":
        response = StreamingHttpResponse(
            exporter.csv_lines(kind, data), content_type=exporter.CSV_TYPE
        )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
    else:
        response = FileResponse(
            io.BytesIO(exporter.to_xlsx(kind, data, filters=filters)),
            as_attachment=True,
            filename=name,
            content_type=exporter.XLSX_TYPE,
        )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
