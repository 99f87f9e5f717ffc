from django.urls import include, path

from reports import views

report_patterns = [
    path("", views.report_index, name="index"),
    path("manager-options/", views.manager_options, name="manager-options"),
    path("targets/people-options/", views.target_people_options, name="target-people-options"),
    path("concentration/", views.concentration, name="concentration"),
    path("conversion/", views.conversion, name="conversion"),
    path("evaluation/", views.evaluation, name="evaluation"),
    path("value/", views.value, name="value"),
    path("operating/", views.operating, name="operating"),
    path("groups/", views.group_list, name="groups"),
    path("groups/<int:pk>/", views.group_detail, name="group-detail"),
    path("targets/", views.targets, name="targets"),
    path("targets/<int:pk>/delete/", views.target_delete, name="target-delete"),
    path("targets/<int:pk>/act/", views.target_act, name="target-act"),
    path("visits/quarterly/<int:team>/<int:year>-Q<int:quarter>/analysis/", views.quarterly_analysis,
         name="quarterly-analysis"),
]

urlpatterns = [
    path("reports/", include((report_patterns, "reports"))),
    path("", views.home, name="home"),
    path("reports/visits/quarterly/", views.visit_quarterly, name="visit-quarterly"),
]
