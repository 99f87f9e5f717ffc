from django.urls import path

from opportunities import views

app_name = "opportunities"
urlpatterns = [
    path("", views.OpportunityListView.as_view(), name="list"),
    path("board/", views.board, name="board"),
    path("forecast/", views.forecast, name="forecast"),
    path("win-rate/", views.win_rate, name="win-rate"),
    path("stages/", views.stage_list, name="stages"),
    path("stages/new/", views.stage_edit, name="stage-add"),
    path("stages/<int:pk>/", views.stage_edit, name="stage-edit"),
    path("new/<int:account_pk>/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/move/", views.move, name="move"),
    path("<int:pk>/order/", views.order, name="order"),
    path("<int:pk>/roles/", views.role_save, name="role-save"),
    path("<int:pk>/roles/<int:role_pk>/remove/", views.role_remove, name="role-remove"),
]
