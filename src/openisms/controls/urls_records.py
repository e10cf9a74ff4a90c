from django.urls import path

from openisms.controls.views import records, records_own

urlpatterns = [
    path("", records.control_list, name="control_list"),
    path("mine/", records.my_controls, name="my_controls"),
    path("validation/", records.validation_panel, name="validation"),
    path("own/new/", records_own.own_create, name="own_create"),
    path("<uuid:control_id>/", records.control_detail, name="control_detail"),
    path("<uuid:control_id>/decide/", records.control_decide, name="control_decide"),
    path("<uuid:control_id>/implement/", records.control_implement, name="control_implement"),
    path("<uuid:control_id>/edit/", records_own.own_edit, name="own_edit"),
    path("<uuid:control_id>/delete/", records_own.own_delete, name="own_delete"),
]
