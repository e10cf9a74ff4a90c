"""API: controls module, soa part."""

from ninja import Router

router = Router()
