"""API routes of the risk module, under /api/v1/risk/ (same permissions as the pages).

Every route acts in the caller's organisation (``api.auth.org_route``). The routes live in
``api_method`` (method, classification, libraries), ``api_assets``, ``api_register`` (risks,
acceptance, heat map), ``api_plan`` (actions, plan sign-off, my work) and ``api_validation``
(the risk validation panel's findings), ``api_exports`` (register, plan and method as files),
``api_imports`` (import jobs and their status, read-only).
"""

from ninja import Router

from openisms.risk import (
    api_assets,
    api_exports,
    api_imports,
    api_method,
    api_plan,
    api_register,
    api_validation,
)

router = Router(tags=["risk"])
for part in (
    api_method,
    api_assets,
    api_register,
    api_plan,
    api_validation,
    api_exports,
    api_imports,
):
    router.add_router("", part.router)
