from django.urls import path

from openisms.core.records.views import urls
from openisms.leadership.records import COMMITMENTS
from openisms.leadership.views import gaps, raci, roles

app_name = "leadership"
urlpatterns = [
    path("roles/", roles.roles, name="roles"),
    path("roles/new/", roles.role_create, name="role_create"),
    path("roles/people/", roles.people_search, name="people_search"),
    path("roles/<uuid:role_id>/", roles.role_detail, name="role_detail"),
    path("roles/<uuid:role_id>/edit/", roles.role_edit, name="role_edit"),
    path("roles/<uuid:role_id>/delete/", roles.role_delete, name="role_delete"),
    path("defaults/", roles.seed_defaults, name="seed_defaults"),
    path("raci/", raci.raci, name="raci"),
    path("raci/export.<slug:fmt>", raci.raci_export, name="raci_export"),
    path(
        "raci/<uuid:process_id>/<uuid:role_id>/",
        raci.raci_cell,
        name="raci_cell",
    ),
    path("processes/new/", raci.process_create, name="process_create"),
    path("processes/<uuid:process_id>/edit/", raci.process_edit, name="process_edit"),
    path("processes/<uuid:process_id>/delete/", raci.process_delete, name="process_delete"),
    *urls(COMMITMENTS),
    path("competence-gaps/", gaps.gaps, name="gaps"),
]
