from django.urls import path

from reports import views

urlpatterns = [
    path("", views.home, name="home"),
    path("reports/visits/quarterly/", views.visit_quarterly, name="visit-quarterly"),
]
