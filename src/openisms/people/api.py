"""API routes of the people module, under /api/v1/people/ (same permissions as the pages).

Every route acts in the caller's organisation (``api.auth.org_route``). The routes live in
``api_staff`` (persons, competences, competences held), ``api_training`` (courses, campaigns,
launch), ``api_assignments`` (assignments and their results, overdue, my training) and
``api_communication`` (the communication plan).
"""

from ninja import Router

from openisms.people import api_assignments, api_communication, api_exports, api_staff, api_training

router = Router(tags=["people"])
for part in (api_staff, api_training, api_assignments, api_communication, api_exports):
    router.add_router("", part.router)
