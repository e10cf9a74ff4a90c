"""Writes to organisations, memberships and invitations."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from openisms.core.context import org_context
from openisms.core.models import Invitation, Membership, Organisation
from openisms.core.permissions import Role
from openisms.core.validation import clean_text

INVITATION_VALIDITY = dt.timedelta(days=14)

# Domain apps append callables that set up a new organisation (e.g. seed libraries).
ORGANISATION_CREATED: list[Callable[[Organisation], None]] = []
DEFAULT_AUDITOR_ACCESS = dt.timedelta(days=90)


def create_organisation(slug: str, name: str, *, owner: Any = None) -> Organisation:
    slug, name = clean_text(slug, "slug").lower(), clean_text(name, "name")
    if not name:
        raise ValidationError({"name": "Give the organisation a name."})
    if Organisation.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": f"An organisation with the slug “{slug}” already exists."})
    org = Organisation(slug=slug, name=name)
    org.full_clean()
    with transaction.atomic():
        org.save()
        if owner is not None:
            set_membership(org, owner, Role.OWNER)
        with org_context(org):
            for hook in ORGANISATION_CREATED:
                hook(org)
    return org


def _check_role(role: str, expires_at: dt.datetime | None) -> dt.datetime | None:
    if role not in Role.values:
        raise ValidationError(
            {"role": f"Unknown role “{role}”. Choose one of: {', '.join(Role.values)}."}
        )
    if role == Role.AUDITOR and expires_at is None:
        # Auditors get time-boxed access by design; default to one audit season.
        expires_at = timezone.now() + DEFAULT_AUDITOR_ACCESS
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": "The expiry date must be in the future."})
    return expires_at


def set_membership(
    org: Organisation, user: Any, role: str, *, expires_at: dt.datetime | None = None
) -> Membership:
    """Give ``user`` ``role`` in ``org`` (creating or changing their membership)."""
    expires_at = _check_role(role, expires_at)
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update().filter(organisation=org, user=user).first()
        )
        if membership is None:
            membership = Membership(organisation=org, user=user)
        elif membership.role == Role.OWNER and role != Role.OWNER:
            _ensure_another_owner(org, membership)
        membership.role = role
        membership.expires_at = expires_at
        membership.save()
    return membership


def _ensure_another_owner(org: Organisation, leaving: Membership) -> None:
    others = (
        Membership.objects.active().filter(organisation=org, role=Role.OWNER).exclude(pk=leaving.pk)
    )
    if not others.exists():
        raise ValidationError("An organisation needs at least one owner; appoint another first.")


def remove_membership(membership: Membership) -> None:
    with transaction.atomic():
        if membership.role == Role.OWNER:
            _ensure_another_owner(membership.organisation, membership)
        membership.delete()


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create_invitation(
    org: Organisation,
    *,
    email: str,
    role: str,
    invited_by: Any,
    membership_expires_at: dt.datetime | None = None,
) -> tuple[Invitation, str]:
    """Create an invitation and return it with the one-time secret for the link."""
    email = clean_text(email, "email").lower()
    membership_expires_at = _check_role(role, membership_expires_at)
    raw = secrets.token_urlsafe(32)
    invitation = Invitation(
        organisation=org,
        email=email,
        role=role,
        membership_expires_at=membership_expires_at,
        token_hash=hash_token(raw),
        invited_by=invited_by,
        expires_at=timezone.now() + INVITATION_VALIDITY,
    )
    invitation.full_clean()
    invitation.save()
    return invitation, raw


def find_open_invitation(raw: str) -> Invitation | None:
    invitation = (
        Invitation.objects.select_related("organisation").filter(token_hash=hash_token(raw)).first()
    )
    return invitation if invitation is not None and invitation.is_open else None


def accept_invitation(invitation: Invitation, user: Any) -> Membership:
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not locked.is_open:
            raise ValidationError("This invitation has already been used, revoked or has expired.")
        membership = set_membership(
            locked.organisation, user, locked.role, expires_at=locked.membership_expires_at
        )
        locked.accepted_at = timezone.now()
        locked.accepted_by = user
        locked.save()
    return membership


def revoke_invitation(invitation: Invitation) -> None:
    if invitation.revoked_at is None and invitation.accepted_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save()


def create_user(username: str, password: str, *, email: str = "", validate: bool = True) -> Any:
    from django.contrib.auth.password_validation import validate_password

    User = get_user_model()
    username = clean_text(username, "username")
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": f"The username “{username}” is taken."})
    user = User(username=username, email=email)
    if validate:
        validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user
