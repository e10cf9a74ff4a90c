"""Schemas and helpers shared by every router: pages, errors, text validation."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.db.models import QuerySet
from ninja import Field, Schema
from pydantic import AfterValidator, create_model

MAX_LIMIT = 200


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("Text may not contain NUL characters.")
    return value.strip()


Text = Annotated[str, AfterValidator(_no_nul)]


def _utc(value: dt.datetime) -> dt.datetime:
    # PostgreSQL refuses UTC offsets beyond ±15:59 that Python accepts (up to ±23:59).
    if value.tzinfo is None:
        return value
    return value.astimezone(dt.UTC)


UtcDateTime = Annotated[dt.datetime, AfterValidator(_utc)]


class Error(Schema):
    detail: Any = Field(..., description="What went wrong, in words a person can act on.")


ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 422: Error}


class PageParams(Schema):
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=10_000_000)


_page_models: dict[type, type] = {}


def page_of(item: type[Schema]) -> type[Schema]:
    """The schema of a paginated list of ``item``."""
    if item not in _page_models:
        _page_models[item] = create_model(
            f"{item.__name__}Page",
            __base__=Schema,
            count=(int, ...),
            limit=(int, ...),
            offset=(int, ...),
            items=(list[item], ...),
        )
    return _page_models[item]


def paginate(qs: QuerySet | list, params: PageParams) -> dict[str, Any]:
    count = qs.count() if isinstance(qs, QuerySet) else len(qs)
    items = list(qs[params.offset : params.offset + params.limit])
    return {"count": count, "limit": params.limit, "offset": params.offset, "items": items}
