"""API routes of the people module, under /api/v1/people/ (same permissions as the pages)."""

from ninja import Router

router = Router(tags=["people"])
