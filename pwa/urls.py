from django.urls import path

from pwa import views

app_name = "pwa"
# At the site's root: a service worker controls only the paths under its own URL, and the
# manifest's scope is "/". All three are reached without a login (tests/test_login_required.py):
# browsers fetch the manifest without cookies, and the offline page must show after a logout too.
urlpatterns = [
    path("sw.js", views.service_worker, name="service-worker"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("offline/", views.offline, name="offline"),
]
