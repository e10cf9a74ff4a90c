"""API: document control, exports part."""

from ninja import Router

router = Router()
