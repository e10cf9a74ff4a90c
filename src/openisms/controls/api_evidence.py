"""API: controls module, evidence part."""

from ninja import Router

router = Router()
