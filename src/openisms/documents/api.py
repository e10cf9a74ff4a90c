"""API routes of the documents module, under /api/v1/documents/ (same permissions as the pages)."""

from ninja import Router

router = Router(tags=["documents"])
