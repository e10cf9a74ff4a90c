"""The NinjaAPI instance, its authentication and its JSON error handlers."""

from __future__ import annotations

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError

from openisms import __version__
from openisms.api.auth import SessionAuth, TokenAuth

api = NinjaAPI(
    title="OpenISMS API",
    version="1",
    description=(
        "REST API of OpenISMS. Authenticate with a personal token (`Authorization: Bearer …`, "
        "bound to one organisation) or the browser session. Organisation-level routes act in the "
        "token's organisation; with a session, name it in the `X-Organisation` header "
        f"(default: the last organisation opened in the browser). Server version {__version__}."
    ),
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api",
    docs_url="/docs",
    # Swagger UI sets inline styles; its page alone may use them. Scripts stay 'self' only.
    docs_decorator=csp_update({"style-src": [UNSAFE_INLINE]}),
)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404):
    message = str(exc) or "Not found."
    if message.startswith("No ") and "matches the given query" in message:
        message = "Not found."
    return api.create_response(request, {"detail": message}, status=404)


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied):
    return api.create_response(request, {"detail": str(exc) or "Not allowed."}, status=403)


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError):
    detail = exc.message_dict if hasattr(exc, "error_dict") else " ".join(exc.messages)
    return api.create_response(request, {"detail": detail}, status=400)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError):
    return api.create_response(
        request,
        {"detail": "Authentication required: send a personal API token or log in."},
        status=401,
    )


def _mount() -> None:
    from openisms.catalogue.api import router as catalogue_router
    from openisms.context.api import router as context_router
    from openisms.controls.api import router as controls_router
    from openisms.core.api import router as core_router
    from openisms.core.api_inbox import router as inbox_router
    from openisms.documents.api import router as documents_router
    from openisms.leadership.api import router as leadership_router
    from openisms.people.api import router as people_router
    from openisms.risk.api import router as risk_router

    api.add_router("/", core_router)
    api.add_router("/", inbox_router)
    api.add_router("/", catalogue_router)
    api.add_router("/risk", risk_router)
    api.add_router("/context", context_router)
    api.add_router("/leadership", leadership_router)
    api.add_router("/people", people_router)
    api.add_router("/documents", documents_router)
    api.add_router("/controls", controls_router)


_mount()
