"""The URLconf with OpenID Connect sign-in on, as config.urls makes it when OIDC_CLIENT_ID is set."""

from django.urls import include, path

from config.urls import urlpatterns as project
from users.oidc import oidc_patterns

urlpatterns = [path("oidc/", include(oidc_patterns)), *project]
