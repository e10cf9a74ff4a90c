"""API: document control, checklist part."""

from ninja import Router

router = Router()
