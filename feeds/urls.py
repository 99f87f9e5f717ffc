from django.urls import path

from feeds import views

app_name = "feeds"
urlpatterns = [
    path("", views.feed_page, name="page"),
    path("new-link/", views.feed_regenerate, name="regenerate"),
    path("revoke/", views.feed_revoke, name="revoke"),
    # Reached without a login (the secret is the credential): see tests/test_login_required.py.
    path("feed/<str:secret>.ics", views.feed, name="feed"),
]
