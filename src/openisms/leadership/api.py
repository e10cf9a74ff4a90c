"""API routes of the leadership module, under /api/v1/leadership/ (same permissions as the pages).

``api_roles``: ISMS roles, processes, the RACI matrix and the defaults; ``api_commitments``:
management commitment records and the competence gaps of role holders.
"""

from ninja import Router

from openisms.leadership import api_commitments, api_exports, api_roles

router = Router(tags=["leadership"])
for part in (api_roles, api_commitments, api_exports):
    router.add_router("", part.router)
