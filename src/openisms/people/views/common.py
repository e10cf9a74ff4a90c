"""Helpers the people pages share."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

PERMS = {
    "change": "people.change",
    "record": "training.record",
    "confirm": "training.confirm",
    "export": "records.export",
}


def can(request: HttpRequest) -> dict[str, bool]:
    """What the caller may do on the people pages, for templates (``can.change`` …)."""
    access = request.org_access
    return {key: access.can(action) for key, action in PERMS.items()}


def back(request: HttpRequest, fallback: str, *args: Any) -> HttpResponse:
    """Redirect to the form's ``next`` (a local path only) or to ``fallback``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(fallback, request.org_access.organisation.slug, *args)


def filters_from(request: HttpRequest, names: tuple[str, ...]) -> dict[str, str]:
    return {k: request.GET.get(k, "").strip()[:100] for k in names}
