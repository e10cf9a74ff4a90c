"""API routes of the context module, under /api/v1/context/ (same permissions as the pages)."""

from ninja import Router

router = Router(tags=["context"])
