"""Schema pieces the context API routers share. (No ``from __future__ import annotations``:
ninja reads the annotations at import time.)"""

from typing import Annotated, Any

from django.db import models
from ninja import Field

from openisms.api.common import Text


def choice(choices: type[models.TextChoices], description: str = "") -> Any:
    """A choice field given as text: the allowed values are in the schema, and the service
    answers any other value with a 400 that lists them."""
    return Annotated[
        Text,
        Field(
            max_length=20,
            description=description or f"one of: {', '.join(choices.values)}",
            json_schema_extra={"enum": list(choices.values)},
        ),
    ]
