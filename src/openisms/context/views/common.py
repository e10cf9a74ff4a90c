"""What the context pages share: filters from the query string, the delete confirmation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render


def read_filters(request: HttpRequest, names: tuple[str, ...]) -> dict[str, str]:
    return {k: request.GET.get(k, "").strip()[:100] for k in names}


def confirm_delete(
    request: HttpRequest,
    obj: Any,
    *,
    what: str,
    delete: Callable[[Any], None],
    done_url: str,
    back_url: str,
    consequence: str = "",
) -> HttpResponse:
    """GET asks "really?", POST deletes (the audit trail keeps the record)."""
    if request.method == "POST":
        label = str(obj)
        try:
            delete(obj)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(back_url)
        messages.success(request, f"{label} deleted.")
        return redirect(done_url)
    return render(
        request,
        "context/confirm_delete.html",
        {"obj": obj, "what": what, "back_url": back_url, "consequence": consequence},
    )
