from django.urls import path

from attachments import views

app_name = "attachments"
urlpatterns = [
    path("<slug:kind>/<int:pk>/new/", views.attachment_add, name="add"),
    path("<int:pk>/", views.attachment_file, name="file"),
    path("<int:pk>/thumbnail/", views.attachment_thumbnail, name="thumbnail"),
    path("<int:pk>/delete/", views.attachment_delete, name="delete"),
]
