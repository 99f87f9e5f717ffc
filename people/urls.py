from django.urls import path

from people import views

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("new/", views.person_create, name="create"),
    path("<int:pk>/", views.person_edit, name="edit"),
    path("<int:pk>/deactivate/", views.person_deactivate, name="deactivate"),
    path("<int:pk>/reactivate/", views.person_reactivate, name="reactivate"),
    path("<int:pk>/two-factor-reset/", views.person_two_factor_reset, name="two-factor-reset"),
    path("teams/new/", views.team_create, name="team-create"),
    path("teams/<int:pk>/edit/", views.team_edit, name="team-edit"),
    path("teams/leader-options/", views.leader_options, name="leader-options"),
    path("teams/member-options/", views.member_options, name="member-options"),
    path("departments/", views.department_list, name="departments"),
    path("departments/new/", views.department_create, name="department-create"),
    path("departments/<int:pk>/edit/", views.department_edit, name="department-edit"),
]
