from django.urls import path

from openisms.core.records.views import urls
from openisms.people.records import COMMUNICATION
from openisms.people.views import (
    assignments,
    communication,
    competences,
    exports,
    staff,
    training,
)

app_name = "people"
urlpatterns = [
    path("", staff.staff, name="staff"),
    path("new/", staff.person_create, name="person_create"),
    path("<uuid:person_id>/", staff.person_detail, name="person_detail"),
    path("<uuid:person_id>/edit/", staff.person_edit, name="person_edit"),
    path("<uuid:person_id>/delete/", staff.person_delete, name="person_delete"),
    path("<uuid:person_id>/competences/", staff.holding_add, name="holding_add"),
    path(
        "<uuid:person_id>/competences/<uuid:competence_id>/remove/",
        staff.holding_remove,
        name="holding_remove",
    ),
    path("<uuid:person_id>/assign/", staff.assign_course, name="assign_course"),
    path("competences/", competences.competences, name="competences"),
    path("competences/export.<slug:fmt>", exports.competence_export, name="competence_export"),
    path("competences/new/", competences.competence_create, name="competence_create"),
    path(
        "competences/<uuid:competence_id>/edit/",
        competences.competence_edit,
        name="competence_edit",
    ),
    path(
        "competences/<uuid:competence_id>/delete/",
        competences.competence_delete,
        name="competence_delete",
    ),
    path("training/", training.overview, name="training"),
    path("training/courses/new/", training.course_create, name="course_create"),
    path("training/courses/<uuid:course_id>/", training.course_detail, name="course_detail"),
    path("training/courses/<uuid:course_id>/edit/", training.course_edit, name="course_edit"),
    path("training/courses/<uuid:course_id>/delete/", training.course_delete, name="course_delete"),
    path("training/campaigns/new/", training.campaign_create, name="campaign_create"),
    path(
        "training/campaigns/<uuid:campaign_id>/",
        training.campaign_detail,
        name="campaign_detail",
    ),
    path(
        "training/campaigns/<uuid:campaign_id>/edit/",
        training.campaign_edit,
        name="campaign_edit",
    ),
    path(
        "training/campaigns/<uuid:campaign_id>/launch/",
        training.campaign_launch,
        name="campaign_launch",
    ),
    path(
        "training/campaigns/<uuid:campaign_id>/close/",
        training.campaign_close,
        name="campaign_close",
    ),
    path(
        "training/campaigns/<uuid:campaign_id>/delete/",
        training.campaign_delete,
        name="campaign_delete",
    ),
    path(
        "training/assignments/<uuid:assignment_id>/",
        assignments.assignment_detail,
        name="assignment_detail",
    ),
    path(
        "training/assignments/<uuid:assignment_id>/record/",
        assignments.record,
        name="assignment_record",
    ),
    path(
        "training/assignments/<uuid:assignment_id>/confirm/",
        assignments.confirm,
        name="assignment_confirm",
    ),
    path(
        "training/assignments/<uuid:assignment_id>/excuse/",
        assignments.excuse,
        name="assignment_excuse",
    ),
    path(
        "training/assignments/<uuid:assignment_id>/reset/",
        assignments.reset,
        name="assignment_reset",
    ),
    path(
        "training/assignments/<uuid:assignment_id>/delete/",
        assignments.assignment_delete,
        name="assignment_delete",
    ),
    path("training/overdue/", assignments.overdue, name="overdue"),
    path("training/mine/", assignments.mine, name="mine"),
    *urls(COMMUNICATION),
    path("communication/<uuid:item_id>/done/", communication.item_done, name="item_done"),
]
