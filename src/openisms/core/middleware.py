"""Sets the acting user for the audit trail for the length of each request."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse

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


NUL_MESSAGE = "Text may not contain NUL characters."


class RejectNulMiddleware:
    """Refuse any request whose query or form fields or JSON body carry a NUL character.

    PostgreSQL cannot store NUL in text (a 500 on save, or on a filter) while SQLite would
    silently keep it; checking once here covers every view, filter and API route. File uploads
    are binary and are not inspected.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._has_nul(request):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": NUL_MESSAGE}, status=400)
            return HttpResponseBadRequest(NUL_MESSAGE, content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    @staticmethod
    def _has_nul(request: HttpRequest) -> bool:
        if "\x00" in request.path or any(
            "\x00" in k or any("\x00" in v for v in vs) for k, vs in request.GET.lists()
        ):
            return True
        content_type = request.content_type or ""
        if content_type == "application/json":
            body = request.body
            return b"\x00" in body or b"\\u0000" in body
        if content_type == "application/x-www-form-urlencoded":
            return any(
                "\x00" in k or any("\x00" in v for v in vs) for k, vs in request.POST.lists()
            )
        return False
