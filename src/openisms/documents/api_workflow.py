"""API: document control, workflow part."""

from ninja import Router

router = Router()
