"""``{% evidence_panel control as panel %}``: what the control page's evidence section shows."""

from __future__ import annotations

from typing import Any

from django import template

from openisms.controls.models import RequestStatus
from openisms.people.identity import owner_choices

register = template.Library()


@register.simple_tag(takes_context=True)
def evidence_panel(context: Any, control: Any) -> dict[str, Any]:
    access = context.get("access")
    can = access.can if access is not None else (lambda action: False)
    return {
        "evidence": list(control.evidence.select_related("owner").order_by("-collected_on")),
        "requests": list(
            control.evidence_requests.filter(status=RequestStatus.OPEN).select_related(
                "requested_from"
            )
        ),
        "members": list(owner_choices()) if can("evidence.request") else [],
        "can_upload": can("evidence.upload"),
        "can_request": can("evidence.request"),
    }
