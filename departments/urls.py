from django.urls import path

from departments import views

app_name = "departments"
urlpatterns = [
    path("", views.department_list, name="list"),
    path("home/", views.home, name="home"),
    path("<int:pk>/queue/", views.queue, name="queue"),
    path("issues/<int:pk>/", views.issue_detail, name="issue"),
    path("issues/<int:pk>/accept/", views.issue_accept, name="issue-accept"),
    path("issues/<int:pk>/reply/", views.issue_reply, name="issue-reply"),
    path("issues/<int:pk>/resolve/", views.issue_resolve, name="issue-resolve"),
    path("issues/<int:pk>/route/", views.issue_route, name="issue-route"),
    path("issues/<int:pk>/inform/", views.issue_inform, name="issue-inform"),
    path("green-channel/<int:pk>/", views.green_detail, name="green"),
    path("green-channel/<int:pk>/complete/", views.green_complete, name="green-complete"),
    path("performance/", views.performance, name="performance"),
    path("deadlines/", views.deadlines, name="deadlines"),
]
