"""What the context pages share: filters from the query string, the delete confirmation."""

from __future__ import annotations

from django.http import HttpRequest

# The one delete confirmation of the whole app (soft delete, restorable): kept importable here.
from openisms.core.views.deleted import confirm_delete  # noqa: F401


def read_filters(request: HttpRequest, names: tuple[str, ...]) -> dict[str, str]:
    return {k: request.GET.get(k, "").strip()[:100] for k in names}
