"""Sets the acting user for the audit trail for the length of each request."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from openisms.core.context import Actor, acting_as, actor_for_user


class AuditActorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        def resolve() -> Actor:
            # API token auth sets request.auth_user after this middleware ran: read it late,
            # and touch the lazy session user only when a write needs it.
            return actor_for_user(getattr(request, "auth_user", None) or request.user)

        with acting_as(resolve):
            return self.get_response(request)
