"""API routes of the context module, under /api/v1/context/ (same permissions as the pages).

Every route acts in the caller's organisation (``api.auth.org_route``): ``api_issues`` (4.1),
``api_parties`` (interested parties and the requirements register, 4.2), ``api_scope`` (4.3).
"""

from ninja import Router

from openisms.context import api_exports, api_issues, api_parties, api_scope

router = Router(tags=["context"])
for part in (api_issues, api_parties, api_scope, api_exports):
    router.add_router("", part.router)
