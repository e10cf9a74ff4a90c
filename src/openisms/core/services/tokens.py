"""Personal API tokens: issue (secret shown once), authenticate, revoke."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from openisms.core.models import ApiToken, Organisation
from openisms.core.services.organisations import hash_token
from openisms.core.validation import clean_text

# Writing last_used_at on every call would turn reads into writes; once a minute is plenty.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def issue_token(
    user: Any, org: Organisation, name: str, *, expires_at: dt.datetime | None = None
) -> tuple[ApiToken, str]:
    name = clean_text(name, "name")
    if not name:
        raise ValidationError({"name": "Name the token after the script that will use it."})
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": "The expiry date must be in the future."})
    raw = ApiToken.PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        organisation=org,
        name=name[:100],
        token_hash=hash_token(raw),
        hint=raw[: len(ApiToken.PREFIX) + 6],
        expires_at=expires_at,
    )
    token.save()
    return token, raw


def authenticate_token(raw: str) -> ApiToken | None:
    if not raw or not raw.startswith(ApiToken.PREFIX) or len(raw) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user", "organisation")
        .filter(token_hash=hash_token(raw))
        .first()
    )
    if token is None or not token.is_active or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        token.last_used_at = now
        token.save(update_fields=["last_used_at"])
    return token


def revoke_token(token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save()
