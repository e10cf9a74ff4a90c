"""Who may do what where: resolving a user's membership and asking the permission map.

Views use :func:`org_view`; API routes use ``openisms.api.auth.org_route``. Both end here, so a
non-member always gets the same 404 as for an organisation that does not exist (nothing to
guess), and a member without the right gets 403.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from openisms.core.context import org_context
from openisms.core.models import Membership, Organisation
from openisms.core.permissions import can

SESSION_ORG_KEY = "openisms_org"


@dataclass(frozen=True)
class OrgAccess:
    organisation: Organisation
    membership: Membership

    @property
    def role(self) -> str:
        return self.membership.role

    def can(self, action: str) -> bool:
        return can(self.role, action)

    def require(self, action: str) -> None:
        if not self.can(action):
            raise PermissionDenied(
                f"Your role ({self.membership.get_role_display()}) may not do this ({action})."
            )


def find_access(user: Any, slug: str | None) -> OrgAccess | None:
    if not slug or user is None or not user.is_authenticated:
        return None
    membership = (
        Membership.objects.active()
        .select_related("organisation")
        .filter(user=user, organisation__slug=slug)
        .first()
    )
    if membership is None:
        return None
    return OrgAccess(organisation=membership.organisation, membership=membership)


def resolve_access(user: Any, slug: str | None, action: str) -> OrgAccess:
    access = find_access(user, slug)
    if access is None:
        raise Http404("Organisation not found.")
    access.require(action)
    return access


def user_memberships(user: Any) -> list[Membership]:
    if not user.is_authenticated:
        return []
    return list(
        Membership.objects.active()
        .select_related("organisation")
        .filter(user=user)
        .order_by("organisation__name")
    )


def member_users() -> Any:
    """Active members of the current organisation: the only people who may own anything."""
    from django.contrib.auth import get_user_model

    from openisms.core.context import require_org

    active = Membership.objects.active().filter(organisation=require_org()).values("user_id")
    return get_user_model().objects.filter(pk__in=active).order_by("username")


def org_view(action: str) -> Callable:
    """Decorate a view taking ``org_slug``: resolve membership, check ``action``, scope queries."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, org_slug: str, *args: Any, **kwargs: Any):
            if not request.user.is_authenticated:
                from django.contrib.auth.views import redirect_to_login

                return redirect_to_login(request.get_full_path())
            access = resolve_access(request.user, org_slug, action)
            request.org_access = access
            if request.session.get(SESSION_ORG_KEY) != org_slug:
                request.session[SESSION_ORG_KEY] = org_slug
            with org_context(access.organisation):
                return view(request, *args, **kwargs)

        # Lets a test ask which action a URL needs without running the view (PDF downloads).
        wrapper.org_action = action  # type: ignore[attr-defined]
        return wrapper

    return decorator
