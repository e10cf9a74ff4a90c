"""API routes of the leadership module, under /api/v1/leadership/."""

from ninja import Router

router = Router(tags=["leadership"])
