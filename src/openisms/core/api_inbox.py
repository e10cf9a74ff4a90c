"""API: “Waiting for me”, the same items as the page, for the caller in one organisation."""

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from openisms.api.auth import org_route
from openisms.api.common import ERRORS, PageParams, page_of, paginate
from openisms.core import inbox

router = Router(tags=["core"])


class InboxItemOut(Schema):
    kind: str = Field(..., description="e.g. documents.approve, risk.plan, people.training")
    kind_label: str = Field(..., description="the group heading the page shows")
    title: str
    verb: str = Field(..., description="one of: " + ", ".join(inbox.VERBS))
    url: str | None = Field(..., description="the record's page, if the caller's role may open it")
    due: dt.date | None
    overdue: bool
    organisation: str = Field(..., description="the organisation's slug")
    detail: str


@router.get(
    "/inbox",
    response={200: page_of(InboxItemOut), **ERRORS},
    summary="What waits for me: items to sign, confirm, acknowledge, review, answer or do",
)
@org_route("org.view")
def list_inbox(request: HttpRequest, page: Query[PageParams]):
    """Soonest due first (overdue first), undated last; at most 100 items per kind. The
    organisation is the token's, or named by the ``X-Organisation`` header (session)."""
    groups = inbox.groups_for(request.org_access)
    labels = {g.kind.key: g.kind.label for g in groups}
    rows = [
        {
            "kind": i.kind,
            "kind_label": labels.get(i.kind, i.kind),
            "title": i.title,
            "verb": i.verb,
            "url": i.url,
            "due": i.due,
            "overdue": i.overdue,
            "organisation": i.organisation,
            "detail": i.detail,
        }
        for i in inbox.flat(groups)
    ]
    return paginate(rows, page)
