"""Per-request (or per-command) context: the current organisation and the acting user.

Held in context variables so that the scoped managers and the audit trail can read them
without every call passing them along. Always set them with the context managers below, which
restore the previous value, so nothing leaks from one request into the next.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from openisms.core.models import Organisation


@dataclass(frozen=True)
class Actor:
    """Who is acting: a user, or a labelled system process (a CLI run, a task)."""

    user_id: int | None
    label: str


_current_org: ContextVar[Organisation | None] = ContextVar("openisms_org", default=None)
_current_actor: ContextVar[Actor | Callable[[], Actor] | None] = ContextVar(
    "openisms_actor", default=None
)


class NoOrganisationContext(RuntimeError):
    """An organisation-scoped query ran outside any organisation context."""


def current_org() -> Organisation | None:
    return _current_org.get()


def require_org() -> Organisation:
    org = _current_org.get()
    if org is None:
        raise NoOrganisationContext(
            "No organisation context: wrap the code in org_context(org), "
            "or use Model.unscoped for deliberate install-wide access."
        )
    return org


@contextmanager
def org_context(org: Organisation) -> Iterator[Organisation]:
    token = _current_org.set(org)
    try:
        yield org
    finally:
        _current_org.reset(token)


def current_actor() -> Actor | None:
    value = _current_actor.get()
    return value() if callable(value) else value


def actor_for_user(user: Any) -> Actor:
    if user is None or not getattr(user, "is_authenticated", False):
        return Actor(user_id=None, label="anonymous")
    return Actor(user_id=user.pk, label=user.get_username())


@contextmanager
def acting_as(actor: Actor | Callable[[], Actor] | Any) -> Iterator[Any]:
    """Set who is acting; a callable is resolved only when a write asks (lazy request.user)."""
    if not isinstance(actor, Actor) and not callable(actor):
        actor = actor_for_user(actor)
    token = _current_actor.set(actor)
    try:
        yield actor
    finally:
        _current_actor.reset(token)
