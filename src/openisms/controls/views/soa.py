"""Statement of Applicability pages: the approved SoA one click away, versions, freezing,
approval, diffs and downloads."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from openisms.controls import soa_exports, validation
from openisms.controls.models import Control, SoaStatus, SoaVersion
from openisms.controls.services import soa as svc
from openisms.controls.soa_rows import build_rows
from openisms.core.access import org_view
from openisms.core.services.approvals import authors_of

MAX_NUMBER = 2_147_483_647


def _errors(exc: ValidationError) -> list[str]:
    return list(exc.messages)


def _table(rows: list[dict]) -> list[dict]:
    """The live rows with each control's key for its link: rows hold only what a frozen
    version keeps, so one query maps references to records."""
    ids = dict(Control.objects.values_list("ref", "pk"))
    return [{**row, "pk": ids.get(row["ref"])} for row in rows]


@org_view("records.view")
def soa(request: HttpRequest) -> HttpResponse:
    access = request.org_access
    versions = list(SoaVersion.objects.select_related("frozen_by", "approved_by").defer("rows"))
    approved = next((v for v in versions if v.status == SoaStatus.APPROVED), None)
    rows = build_rows()
    blocking, warnings = svc.findings(rows)
    changes = svc.diff(approved.rows, rows) if approved else None
    return render(
        request,
        "controls/soa_page.html",
        {
            "versions": versions,
            "approved": approved,
            "blocking": blocking,
            "warnings": warnings,
            "changes": changes,
            "control_count": len(rows),
            "table": _table(rows),
            "can_freeze": access.can("soa.freeze"),
            "can_export": access.can("records.export"),
        },
    )


@org_view("soa.freeze")
@require_POST
def soa_freeze(request: HttpRequest) -> HttpResponse:
    try:
        version = svc.freeze(user=request.user, note=request.POST.get("note", ""))
    except ValidationError as exc:
        for text in _errors(exc):
            messages.error(request, text)
        return redirect("core:controls:soa", request.org_access.organisation.slug)
    warned = len(getattr(version, "warnings", []))
    more = (
        f" {warned} warning{'s' if warned != 1 else ''} remain: the approver sees them."
        if warned
        else ""
    )
    messages.success(request, f"SoA v{version.number} frozen: top management can approve it.{more}")
    return redirect("core:controls:soa_version", request.org_access.organisation.slug, version.pk)


@org_view("records.view")
def soa_version(request: HttpRequest, version_id: str) -> HttpResponse:
    version = get_object_or_404(
        SoaVersion.objects.select_related("frozen_by", "approved_by"), pk=version_id
    )
    access = request.org_access
    can_approve = access.can("soa.approve") and version.status == SoaStatus.FROZEN
    previous = (
        SoaVersion.objects.filter(number__lt=version.number)
        .defer("rows")
        .order_by("-number")
        .first()
    )
    # Awaiting approval: the approver sees what the validation finds in the live records.
    findings = (
        validation.for_role(validation.findings(), access)
        if version.status == SoaStatus.FROZEN
        else []
    )
    return render(
        request,
        "controls/soa_version.html",
        {
            "version": version,
            "findings": findings,
            "blocking": [f for f in findings if f.blocking],
            "export": soa_exports.of_version(version),
            "decisions": svc.decisions(version),
            "can_approve": can_approve,
            "authored": can_approve and request.user.pk in authors_of(version),
            "previous": previous,
        },
    )


@org_view("soa.approve")
@require_POST
def soa_decide(request: HttpRequest, version_id: str) -> HttpResponse:
    version = get_object_or_404(SoaVersion, pk=version_id)
    access = request.org_access
    decision = request.POST.get("decision")
    comment = request.POST.get("comment", "")
    try:
        if decision == "approved":
            approval = svc.approve(
                version, approver=request.user, role=access.role, comment=comment
            )
            warned = len(getattr(approval, "warnings", []))
            more = f" {warned} validation warning(s) remain open." if warned else ""
            messages.success(
                request, f"SoA v{version.number} approved: it is now the SoA in force.{more}"
            )
        elif decision == "rejected":
            svc.reject(version, approver=request.user, role=access.role, comment=comment)
            messages.success(request, f"SoA v{version.number} rejected.")
        else:
            messages.error(request, "Choose approve or reject.")
    except ValidationError as exc:
        for text in _errors(exc):
            messages.error(request, text)
    return redirect("core:controls:soa_version", access.organisation.slug, version.pk)


def _number(raw: str | None) -> int | None:
    raw = (raw or "").strip().lstrip("v")
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 9:
        raise Http404("No such version.")
    return int(raw)


@org_view("records.view")
def soa_diff(request: HttpRequest) -> HttpResponse:
    """Two versions (``from``/``to`` numbers), or the live state against the approved one."""
    old_n, new_n = _number(request.GET.get("from")), _number(request.GET.get("to"))
    if new_n is None:
        base, changes = svc.live_diff()
        old_label = f"v{base.number} (approved)" if base else "nothing approved yet"
        new_label = "the live state (draft)"
    else:
        new = get_object_or_404(SoaVersion, number=new_n)
        old = (
            get_object_or_404(SoaVersion, number=old_n)
            if old_n is not None
            else SoaVersion.objects.filter(number__lt=new.number).order_by("-number").first()
        )
        changes = svc.diff(old.rows if old else [], new.rows)
        old_label = f"v{old.number}" if old else "nothing"
        new_label = f"v{new.number}"
    return render(
        request,
        "controls/soa_diff.html",
        {"changes": changes, "old_label": old_label, "new_label": new_label},
    )


@org_view("records.view")
def soa_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """``?version=N`` a frozen version, ``?version=draft`` the live state (``records.export``),
    nothing: the approved version, else the latest frozen one."""
    if fmt not in soa_exports.FORMATS:
        raise Http404("Unknown format.")
    raw = request.GET.get("version", "").strip()
    if raw == "draft":
        request.org_access.require("records.export")
        data = soa_exports.pick(draft=True)
    else:
        try:
            data = soa_exports.pick(_number(raw))
        except soa_exports.ExportError as exc:
            raise Http404(str(exc))
    return soa_exports.response(data, fmt)
