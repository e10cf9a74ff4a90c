"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from openisms.core.access import user_memberships
from openisms.core.navigation import navigation_for


def csp_nonce(request: HttpRequest) -> dict[str, Any]:
    # django-htmx reads "csp_nonce" (Django 6's name); django-csp 4 puts it on the request.
    return {"csp_nonce": getattr(request, "csp_nonce", "")}


def navigation(request: HttpRequest) -> dict[str, Any]:
    access = getattr(request, "org_access", None)
    if access is None:
        return {}
    return {
        "access": access,
        "org": access.organisation,
        "nav_sections": navigation_for(access),
        "nav_memberships": user_memberships(request.user),
    }
