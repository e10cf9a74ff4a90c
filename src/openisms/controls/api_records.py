"""API: controls module, records part."""

from ninja import Router

router = Router()
