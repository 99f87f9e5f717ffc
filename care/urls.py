from django.urls import path

from care import views

app_name = "care"
urlpatterns = [
    path("", views.care_home, name="home"),
    path("tasks/<int:pk>/done/", views.task_done, name="task-done"),
    path("tasks/<int:pk>/skip/", views.task_skip, name="task-skip"),
    path("tasks/<int:pk>/snooze/", views.task_snooze, name="task-snooze"),
    path("birthdays/", views.birthdays, name="birthdays"),
    path("gifts/new/<int:contact_pk>/", views.gift_add, name="gift-add"),
    path("events/new/", views.event_add, name="event-add"),
    path("settings/", views.care_settings, name="settings"),
    path("settings/templates/new/", views.template_add, name="template-add"),
    path("settings/templates/<int:pk>/", views.template_edit, name="template-edit"),
    path("settings/calendars/new/", views.calendar_add, name="calendar-add"),
    path("settings/calendars/<int:pk>/", views.calendar_edit, name="calendar-edit"),
    path("settings/occasions/new/", views.occasion_add, name="occasion-add"),
    path("settings/occasions/<int:pk>/", views.occasion_edit, name="occasion-edit"),
]
