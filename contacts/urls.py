from django.urls import path

from contacts import views

app_name = "contacts"
urlpatterns = [
    path("contacts/", views.contact_list, name="list"),
    path("contacts/<int:pk>/", views.contact_detail, name="detail"),
    path("contacts/<int:pk>/edit/", views.contact_edit, name="edit"),
    path("contacts/<int:pk>/history/", views.contact_history, name="history"),
    path("contacts/<int:pk>/left/", views.contact_left, name="left"),
    path("contacts/<int:pk>/archive/", views.contact_archive, name="archive"),
    path("contacts/<int:contact_pk>/roles/new/", views.role_add, name="role-add"),
    path("contacts/roles/<int:pk>/edit/", views.role_edit, name="role-edit"),
    path("contacts/roles/<int:pk>/delete/", views.role_delete, name="role-delete"),
    path("contacts/roles/<int:pk>/reviews/", views.role_reviews, name="role-reviews"),
    path("contacts/<int:contact_pk>/relationships/new/", views.relationship_add, name="relationship-add"),
    path("contacts/relationships/<int:pk>/delete/", views.relationship_delete, name="relationship-delete"),
    path("accounts/<int:account_pk>/contacts/new/", views.contact_create, name="create"),
    path("accounts/<int:account_pk>/org-chart/", views.org_chart, name="org-chart"),
    path("accounts/<int:account_pk>/decision-steps/new/", views.decision_step_add, name="step-add"),
    path("accounts/decision-steps/<int:pk>/edit/", views.decision_step_edit, name="step-edit"),
    path("accounts/decision-steps/<int:pk>/delete/", views.decision_step_delete, name="step-delete"),
    path("accounts/<int:account_pk>/self-questions/", views.self_questions, name="self-questions"),
    path("accounts/dangers/", views.danger_map, name="dangers"),
]
