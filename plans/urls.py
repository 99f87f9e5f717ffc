from django.urls import path

from plans import views

app_name = "plans"
urlpatterns = [
    # The plan (K-09)
    path("plans/", views.plan_list, name="list"),
    path("accounts/<int:account_pk>/plan/", views.account_plan, name="account-plan"),
    path("plans/<int:pk>/", views.plan_detail, name="detail"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="edit"),
    path("plans/<int:pk>/print/", views.plan_print, name="print"),
    path("plans/<int:pk>/approve/", views.plan_approve, name="approve"),
    path("plans/<int:pk>/next-year/", views.plan_copy, name="copy"),
    path("plans/<int:pk>/review/", views.plan_review, name="review"),
    path("plans/<int:pk>/schedule/", views.plan_schedule, name="schedule"),
    path("plans/<int:pk>/goals/new/", views.goal_form, name="goal-add"),
    path("plans/goals/<int:goal_pk>/edit/", views.goal_form, name="goal-edit"),
    path("plans/goals/<int:goal_pk>/delete/", views.goal_delete, name="goal-delete"),
    path("plans/<int:pk>/actions/new/", views.action_form, name="action-add"),
    path("plans/actions/<int:action_pk>/edit/", views.action_form, name="action-edit"),
    path("plans/actions/<int:action_pk>/done/", views.action_done, name="action-done"),
    path("plans/actions/<int:action_pk>/delete/", views.action_delete, name="action-delete"),
    # Planned visits and their preparation (K-28)
    path("accounts/<int:account_pk>/plan-a-visit/", views.planned_add, name="planned-add"),
    path("plans/visits/<int:pk>/", views.planned_detail, name="planned-detail"),
    path("plans/visits/<int:pk>/edit/", views.planned_edit, name="planned-edit"),
    path("plans/visits/<int:pk>/delete/", views.planned_delete, name="planned-delete"),
    path("plans/visits/<int:pk>/prepare/", views.planned_prepare, name="prepare"),
    path("plans/visits/<int:pk>/questions/", views.outline_add, name="outline-add"),
    path("plans/visits/<int:pk>/answers/", views.outline_answers, name="answers"),
    path("plans/visits/<int:pk>/link/", views.planned_link, name="link"),
    path("plans/visits/<int:pk>/log/", views.planned_log, name="log-visit"),
    path("plans/questions/<int:question_pk>/remove/", views.outline_remove, name="outline-remove"),
    path("plans/question-bank/", views.bank, name="bank"),
    path("plans/question-bank/<int:question_pk>/archive/", views.bank_archive, name="bank-archive"),
    # Satisfaction (K-56)
    path("accounts/<int:account_pk>/satisfaction/", views.satisfaction, name="satisfaction"),
    path("accounts/<int:account_pk>/satisfaction/import/", views.satisfaction_import, name="satisfaction-import"),
    path("accounts/<int:account_pk>/referrals/ask/", views.referral_ask, name="referral-ask"),
    path("plans/referrals/<int:referral_pk>/edit/", views.referral_edit, name="referral-edit"),
    path("satisfaction/", views.satisfaction_overview, name="satisfaction-overview"),
]
