"""API routes of the people module, under /api/v1/people/ (same permissions as the pages).

Every route acts in the caller's organisation (``api.auth.org_route``). The routes live in
``api_staff`` (persons, competences, competences held), ``api_training`` (courses, campaigns,
launch), ``api_assignments`` (assignments and their results, overdue, my training) and
``api_communication`` (marking communication done; the plan's records come from the record
kit, ``people.records``).
"""

from ninja import Router

from openisms.core.records.api import add_routes
from openisms.people import api_assignments, api_communication, api_exports, api_staff, api_training
from openisms.people.records import COMMUNICATION

router = Router(tags=["people"])
kit = Router()
add_routes(kit, COMMUNICATION)
router.add_router("", kit)
for part in (api_staff, api_training, api_assignments, api_communication, api_exports):
    router.add_router("", part.router)
