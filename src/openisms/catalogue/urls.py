from django.urls import path

from openisms.catalogue import views

app_name = "catalogue"
urlpatterns = [
    path("", views.frameworks, name="frameworks"),
    path("<slug:framework>/", views.requirements, name="requirements"),
    path("<slug:framework>/<str:ref>/", views.requirement, name="requirement"),
]
