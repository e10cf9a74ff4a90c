"""Safe deletion pages: the one delete confirmation, Recently deleted, restore."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from openisms.core.access import org_view
from openisms.core.services import deletion
from openisms.core.softdelete import RETENTION_DAYS
from openisms.core.views.pagination import paginate


def confirm_delete(
    request: HttpRequest,
    obj: Any,
    *,
    delete: Callable[[Any], None],
    done_url: str,
    back_url: str,
    what: str = "",
    consequence: str = "",
) -> HttpResponse:
    """GET names the record and what goes with it; POST deletes through ``delete`` (the type's
    service, which may refuse with a ValidationError) and goes to ``done_url``."""
    what = what or deletion.type_label(type(obj))
    if request.method == "POST":
        label = str(obj)
        try:
            delete(obj)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(back_url)
        can_restore = request.org_access.can("records.delete")
        messages.success(
            request,
            f"{what.capitalize()} “{label}” deleted."
            + (
                f" You can restore it from Recently deleted for {RETENTION_DAYS} days."
                if can_restore
                else f" A manager can restore it within {RETENTION_DAYS} days."
            ),
        )
        return redirect(done_url)
    return render(
        request,
        "core/confirm_delete.html",
        {
            "obj": obj,
            "what": what,
            "back_url": back_url,
            "consequence": consequence,
            "impact": deletion.impact(obj),
            "retention_days": RETENTION_DAYS,
        },
    )


@org_view("records.delete")
def recently_deleted(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("type", "")[:100]
    rows = deletion.recently_deleted()
    kinds = sorted({(d.kind, d.type_label) for d in rows}, key=lambda k: k[1])
    if kind:
        rows = [d for d in rows if d.kind == kind]
    return render(
        request,
        "core/recently_deleted.html",
        {
            "page": paginate(request, rows),
            "kinds": kinds,
            "kind": kind,
            "retention_days": RETENTION_DAYS,
        },
    )


@org_view("records.delete")
@require_POST
def restore(request: HttpRequest, record_type: str, record_id: str) -> HttpResponse:
    obj = deletion.deleted_record(record_type, record_id)
    if obj is None:
        raise Http404("No such deleted record.")
    try:
        deletion.restore(obj)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            f"{deletion.type_label(type(obj)).capitalize()} “{obj}” restored with its links.",
        )
    return redirect("core:recently_deleted", request.org_access.organisation.slug)
