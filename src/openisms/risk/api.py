"""API routes of the risk module (being built)."""

from ninja import Router

router = Router(tags=["risk"])
