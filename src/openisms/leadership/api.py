"""API routes of the leadership module, under /api/v1/leadership/ (same permissions as the pages).

``api_roles``: ISMS roles, processes, the RACI matrix and the defaults; ``api_commitments``:
the competence gaps of role holders; management commitment records come from the record kit
(``leadership.records``).
"""

from ninja import Router

from openisms.core.records.api import add_routes
from openisms.leadership import api_commitments, api_exports, api_roles
from openisms.leadership.records import COMMITMENTS

router = Router(tags=["leadership"])
kit = Router()
add_routes(kit, COMMITMENTS)
router.add_router("", kit)
for part in (api_roles, api_commitments, api_exports):
    router.add_router("", part.router)
