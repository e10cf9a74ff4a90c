"""The data directory (``OPENISMS_HOME``): SQLite file, uploads, generated secret and audit keys."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def data_dir() -> Path:
    home = Path(os.environ.get("OPENISMS_HOME", "./var")).expanduser().resolve()
    home.mkdir(parents=True, exist_ok=True)
    return home


def secret_key(home: Path) -> str:
    """Return the install's secret key, creating it once.

    Created with O_EXCL so that several workers starting at once agree on one key.
    """
    path = home / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as fh:
        fh.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


AUDIT_KEY_ENV = "OPENISMS_AUDIT_KEY"
AUDIT_KEY_MIN_LENGTH = 32


def audit_key(home: Path) -> tuple[str, str]:
    """Return the audit chain's HMAC key and where it came from (never the key in messages).

    ``OPENISMS_AUDIT_KEY`` wins, so several app servers can share one key; otherwise the key is
    generated once into ``OPENISMS_HOME/audit_key`` (mode 0600, O_EXCL like the secret key). It
    must never be stored in the database: the chain is only keyed against whoever can write there.
    """
    from_env = os.environ.get(AUDIT_KEY_ENV, "").strip()
    if from_env:
        if len(from_env) < AUDIT_KEY_MIN_LENGTH:
            from django.core.exceptions import ImproperlyConfigured

            raise ImproperlyConfigured(
                f"{AUDIT_KEY_ENV} is too short: use at least {AUDIT_KEY_MIN_LENGTH} random "
                "characters (e.g. `python -c 'import secrets; print(secrets.token_hex(32))'`)."
            )
        return from_env, AUDIT_KEY_ENV
    path = home / "audit_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip(), str(path)
    with os.fdopen(fd, "w") as fh:
        fh.write(secrets.token_hex(32))
    return path.read_text().strip(), str(path)
