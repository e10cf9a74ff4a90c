from django.contrib.auth import views as auth_views
from django.urls import include, path

from openisms.api import api
from openisms.core.views import home, members

urlpatterns = [
    path("", home.home, name="home"),
    path("login/", auth_views.LoginView.as_view(template_name="core/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("orgs/", home.organisations, name="organisations"),
    path("orgs/switch/", home.switch, name="switch_org"),
    path("invite/<str:token>/", members.accept_invitation, name="accept_invitation"),
    path("o/<slug:org_slug>/", include("openisms.core.urls")),
    path("api/v1/", api.urls),
]
