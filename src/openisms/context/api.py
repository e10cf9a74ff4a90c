"""API routes of the context module, under /api/v1/context/ (same permissions as the pages).

Every route acts in the caller's organisation (``api.auth.org_route``): issues (4.1) and
interested parties (4.2) from the record kit (``context.records``), ``api_parties`` (the
requirements register), ``api_scope`` (4.3).
"""

from ninja import Router

from openisms.context import api_exports, api_parties, api_scope
from openisms.context.records import ISSUES, PARTIES
from openisms.core.records.api import add_routes

router = Router(tags=["context"])
kit = Router()
for record_type in (ISSUES, PARTIES):
    add_routes(kit, record_type)
router.add_router("", kit)
for part in (api_parties, api_scope, api_exports):
    router.add_router("", part.router)
