from django.urls import path

from users import views

app_name = "users"
urlpatterns = [
    path("", views.TeamListView.as_view(), name="team-list"),
    path("<int:pk>/", views.TeamDetailView.as_view(), name="team-detail"),
    path("options/", views.team_options, name="team-options"),
]
