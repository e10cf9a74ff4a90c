"""“Waiting for me”: everything a person must sign, confirm, acknowledge, review, answer or do.

Modules contribute *kinds* through :func:`register` (the provider pattern of the documents
checklist): a kind has a key, a heading and a provider, a function that takes a :class:`Who`
(the login, its membership in the organisation, today) and returns at most ``who.limit``
:class:`InboxItem` rows, soonest due first. A provider runs a small, fixed number of queries
whatever the data size, and returns nothing for a role that is never asked (a viewer is never
asked to approve). Modules register their kinds from their ``hooks.py``; the inbox itself knows
no module.

Who is "me": owner fields point at logins today and at ``people.Person`` (whose ``user`` is the
login) once the owners become people; :func:`owned_by_q` builds the filter for either, so a
provider keeps working across that change.

The page and the dashboard panel build the items in a fixed number of queries
(:func:`items_for`); the top-bar count is fetched by htmx after the page loads
(``core:inbox_count``), so no page pays for it, and reads :func:`cached_groups`: the items
cached per (organisation, login, role, day, audit head). Every write in an organisation appends
to its audit chain, so the cached inbox is exact; while nothing changed the count costs one query
(the head) besides the session and membership.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db.models import Model, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

VERBS = ("sign", "confirm", "acknowledge", "review", "answer", "do")
# Per kind: enough for a working list; beyond it the page says "and more".
LIMIT = 100
CACHE_SECONDS = 300


@dataclass(frozen=True)
class InboxItem:
    """One thing waiting for the person: what, where to do it, by when."""

    kind: str
    title: str
    verb: str
    url: str | None
    due: dt.date | None = None
    organisation: str = ""  # the organisation's slug
    detail: str = ""
    today: dt.date | None = None

    @property
    def overdue(self) -> bool:
        return self.due is not None and self.today is not None and self.due < self.today


@dataclass(frozen=True)
class Kind:
    key: str  # "documents.approve"
    label: str  # the group heading: "Documents to approve"
    provider: Callable[[Who], list[InboxItem]]
    order: int = 100

    @property
    def anchor(self) -> str:
        return "inbox-" + self.key.replace(".", "-").replace("_", "-")


@dataclass
class Who:
    """The person asking: their login, membership (role) and organisation, and today."""

    access: Any  # core.access.OrgAccess
    today: dt.date = field(default_factory=timezone.localdate)
    limit: int = LIMIT

    @property
    def user(self) -> Any:
        return self.access.membership.user

    @property
    def user_id(self) -> int:
        return self.access.membership.user_id

    @property
    def organisation(self) -> Any:
        return self.access.organisation

    def can(self, action: str) -> bool:
        return self.access.can(action)

    def link(self, name: str, *args: Any, action: str = "records.view") -> str | None:
        """The page ``name`` in this organisation, only if the role may open it."""
        if not self.can(action):
            return None
        try:
            return reverse(name, args=(self.organisation.slug, *args))
        except NoReverseMatch:
            return None

    def item(self, kind: str, title: str, verb: str, url: str | None, **extra: Any) -> InboxItem:
        assert verb in VERBS, verb
        return InboxItem(
            kind, title, verb, url, organisation=self.organisation.slug, today=self.today, **extra
        )


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> None:
    """Add (or replace, on a second registration of the same key) a kind of inbox item."""
    KINDS[kind.key] = kind


def owned_by_q(model: type[Model], name: str, user: Any, via: str = "") -> Q:
    """``Q`` selecting rows whose ``name`` field (of ``model``) is the person behind ``user``.

    Works whether the field points at the login itself or at a ``people.Person`` (through
    ``Person.user``), so providers survive the move of owner fields from logins to people.
    ``via`` is the path from the queried model to ``model`` ("document" to filter versions by
    their document's approver).
    """
    related = model._meta.get_field(name).related_model
    user_id = getattr(user, "pk", user)
    prefix = f"{via}__" if via else ""
    if related is not None and related._meta.label_lower == "people.person":
        return Q(**{f"{prefix}{name}__user_id": user_id})
    return Q(**{f"{prefix}{name}_id": user_id})


@dataclass(frozen=True)
class Group:
    kind: Kind
    items: list[InboxItem]

    @property
    def more(self) -> bool:
        return len(self.items) > LIMIT

    @property
    def shown(self) -> list[InboxItem]:
        return self.items[:LIMIT]


def groups_for(access: Any, today: dt.date | None = None) -> list[Group]:
    """Every kind with something waiting, in registration order, items soonest due first
    (undated last). Each provider gets ``LIMIT + 1`` so the page can say there are more."""
    from openisms.core.context import org_context

    who = Who(access, today or timezone.localdate(), LIMIT + 1)
    far = dt.date.max
    groups = []
    with org_context(access.organisation):
        for kind in sorted(KINDS.values(), key=lambda k: k.order):
            items = kind.provider(who)
            if items:
                items = sorted(items, key=lambda i: (i.due or far, i.title))
                groups.append(Group(kind, items))
    return groups


def cached_groups(access: Any) -> list[Group]:
    """:func:`groups_for`, kept in the cache under the organisation's audit head: every write in
    an organisation appends to its audit chain, so a cached inbox is exact until the next write
    (or the next day, or a change of role). One query (the head) when nothing changed."""
    stored = cache.get(_cache_key(access))
    if stored is not None:
        return [Group(KINDS[k], items) for k, items in stored if k in KINDS]
    groups = groups_for(access)
    store(access, groups)
    return groups


def store(access: Any, groups: list[Group]) -> None:
    cache.set(_cache_key(access), [(g.kind.key, g.items) for g in groups], CACHE_SECONDS)


def items_for(request: Any) -> list[Group]:
    """The groups of the request's organisation, built once per request (a fixed number of
    queries, so pages showing them stay flat and predictable) and left in the cache for the
    top bar's count."""
    found = getattr(request, "_inbox_groups", None)
    if found is None:
        found = groups_for(request.org_access)
        request._inbox_groups = found
        store(request.org_access, found)
    return found


def count_for(request: Any) -> int:
    """The top bar's count: this request's groups if built, else the cached ones."""
    found = getattr(request, "_inbox_groups", None)
    return total(found if found is not None else cached_groups(request.org_access))


def total(groups: list[Group]) -> int:
    return sum(len(g.shown) for g in groups)


def flat(groups: list[Group]) -> list[InboxItem]:
    """All shown items in one list, for the dashboard and the API: overdue items first (oldest
    first), then by kind in registration order (signatures before work) and due date."""
    far = dt.date.max
    rank = {g.kind.key: g.kind.order for g in groups}
    return sorted(
        (i for g in groups for i in g.shown),
        key=lambda i: (not i.overdue, rank.get(i.kind, 999), i.due or far, i.title),
    )


def _cache_key(access: Any) -> str:
    from openisms.core.models import AuditChainHead
    from openisms.core.models.audit import chain_key

    # The head's hash too: after a database restore the same seq may come back with other
    # content.
    head = (
        AuditChainHead.objects.filter(chain=chain_key(access.organisation))
        .values_list("seq", "hash")
        .first()
    )
    parts = (
        access.organisation.pk,
        access.membership.user_id,
        access.role,
        timezone.localdate().isoformat(),
        *(head or ("", "")),
    )
    return "inbox:" + ":".join(str(part) for part in parts)


def authored_ids(object_type: str, ids: list[Any], user_id: int) -> set[str]:
    """Which of the records ``ids`` (of ``object_type``, "app.model") ``user_id`` created or
    changed, read from the audit trail in one query: segregation of duties for approvals that
    use :func:`openisms.core.services.approvals.authors_of`."""
    from openisms.core.models import AuditEntry

    if not ids:
        return set()
    return set(
        AuditEntry.objects.filter(
            object_type=object_type,
            object_id__in=[str(i) for i in ids],
            action__in=["create", "update"],
            actor_id=user_id,
        ).values_list("object_id", flat=True)
    )
