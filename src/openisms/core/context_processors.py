"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from openisms.core.access import user_memberships
from openisms.core.navigation import navigation_for


def csp_nonce(request: HttpRequest) -> dict[str, Any]:
    # django-htmx reads "csp_nonce" (Django 6's name); django-csp 4 puts it on the request.
    return {"csp_nonce": getattr(request, "csp_nonce", "")}


class LazyCount:
    """The top bar's “Waiting for me” count, computed only when a template shows it (and once:
    ``inbox.count_for`` keeps it on the request)."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request
        self._value: int | None = None

    @property
    def value(self) -> int:
        if self._value is None:
            from openisms.core.inbox import count_for

            self._value = count_for(self.request)
        return self._value

    def __int__(self) -> int:
        return self.value

    def __bool__(self) -> bool:
        return self.value > 0

    def __str__(self) -> str:
        return "99+" if self.value > 99 else str(self.value)


def navigation(request: HttpRequest) -> dict[str, Any]:
    access = getattr(request, "org_access", None)
    if access is None:
        return {}
    return {
        "inbox_count": LazyCount(request),
        "access": access,
        "org": access.organisation,
        "nav_sections": navigation_for(access),
        "nav_memberships": user_memberships(request.user),
    }
