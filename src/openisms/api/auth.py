"""API authentication (session or personal token) and the organisation a call acts in."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest
from ninja.security import APIKeyCookie, HttpBearer

from openisms.core.access import SESSION_ORG_KEY, OrgAccess, find_access
from openisms.core.context import org_context
from openisms.core.models import ApiToken
from openisms.core.services.tokens import authenticate_token

ORG_HEADER = "X-Organisation"


class TokenAuth(HttpBearer):
    """``Authorization: Bearer oisms_…`` — a personal token, bound to one organisation."""

    openapi_description = "Personal API token, created on the organisation's “API tokens” page."

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = authenticate_token(token)
        if found is not None:
            request.auth_user = found.user
        return found


class SessionAuth(APIKeyCookie):
    """The browser's login session; unsafe methods need the CSRF token as for any form."""

    param_name = "sessionid"
    openapi_description = "Django session cookie (browser); send X-CSRFToken on writes."

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        return user if user.is_authenticated else None


def acting_user(request: HttpRequest) -> Any:
    auth = request.auth
    return auth.user if isinstance(auth, ApiToken) else auth


def api_access(request: HttpRequest, action: str, slug: str | None = None) -> OrgAccess:
    """The membership the call acts under; 404 for any organisation the caller is not in."""
    token = request.auth if isinstance(request.auth, ApiToken) else None
    wanted = slug or request.headers.get(ORG_HEADER) or request.GET.get("org")
    if token is not None:
        if wanted and wanted != token.organisation.slug:
            raise Http404("Organisation not found.")
        wanted = token.organisation.slug
    elif not wanted:
        wanted = request.session.get(SESSION_ORG_KEY) if hasattr(request, "session") else None
    if not wanted:
        raise Http404(f"Organisation not found: name it with the {ORG_HEADER} header.")
    access = find_access(acting_user(request), wanted)
    if access is None:
        raise Http404("Organisation not found.")
    access.require(action)
    return access


def org_route(action: str) -> Callable:
    """Run the route inside the caller's organisation after checking ``action``."""

    def decorator(func: Callable) -> Callable:
        @functools.wraps(func)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            access = api_access(request, action, kwargs.get("slug"))
            request.org_access = access
            with org_context(access.organisation):
                return func(request, *args, **kwargs)

        return wrapper

    return decorator
