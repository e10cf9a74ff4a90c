"""`{% can "action" as may %}`: the one way a template asks the permission map whether to show a
link or button, so no page links to a page that answers 403 for the viewer's role."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def can(context: Any, action: str) -> bool:
    """True if the current member's role may do `action` (False outside an organisation)."""
    access = context.get("access")
    if access is None:
        request = context.get("request")
        access = getattr(request, "org_access", None)
    return bool(access is not None and access.can(action))
