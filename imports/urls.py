from django.urls import path

from imports import views

app_name = "imports"
urlpatterns = [
    path("", views.import_list, name="list"),
    path("templates/<str:kind>.<str:fmt>", views.import_template, name="template"),
    path("<int:pk>/", views.import_detail, name="detail"),
    path("<int:pk>/mapping/", views.import_mapping, name="mapping"),
    path("<int:pk>/encoding/", views.import_encoding, name="encoding"),
    path("<int:pk>/progress/", views.import_progress, name="progress"),
    path("<int:pk>/apply/", views.import_apply, name="apply"),
    path("<int:pk>/recheck/", views.import_recheck, name="recheck"),
    path("<int:pk>/discard/", views.import_discard, name="discard"),
]
