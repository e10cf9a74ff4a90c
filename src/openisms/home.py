"""The data directory (``OPENISMS_HOME``): SQLite file, uploads, generated secret key."""

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
