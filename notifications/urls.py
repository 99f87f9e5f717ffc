from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:pk>/", views.notification_open, name="open"),
    path("<int:pk>/read/", views.notification_mark_read, name="read"),
    path("read-all/", views.notifications_mark_all_read, name="read-all"),
    path("settings/", views.notification_settings, name="settings"),
    path("robots/", views.robot_list, name="robots"),
    path("robots/<int:pk>/test/", views.robot_test, name="robot-test"),
    path("robots/<int:pk>/delete/", views.robot_delete, name="robot-delete"),
    path("webhooks/", views.webhook_list, name="webhooks"),
    path("webhooks/<int:pk>/", views.webhook_edit, name="webhook-edit"),
    path("webhooks/<int:pk>/test/", views.webhook_ping, name="webhook-test"),
    path("webhooks/<int:pk>/delete/", views.webhook_delete, name="webhook-delete"),
    path("outbox/", views.outbox_list, name="outbox"),
    path("outbox/<int:pk>/retry/", views.outbox_retry, name="outbox-retry"),
    path("outbox/retry-dead/", views.outbox_retry_dead, name="outbox-retry-dead"),
]
