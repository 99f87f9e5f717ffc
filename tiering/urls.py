from django.urls import path

from tiering import views

app_name = "tiering"
urlpatterns = [
    path("", views.rules, name="rules"),
    path("cadence/", views.cadence_board, name="cadence"),
    path("tiers/new/", views.tier_edit, name="tier-create"),
    path("tiers/<int:pk>/edit/", views.tier_edit, name="tier-edit"),
    path("tiers/<int:pk>/delete/", views.tier_delete, name="tier-delete"),
    path("review/", views.review, name="review"),
    path("review/open/", views.review_open, name="review-open"),
    path("proposals/<int:pk>/decide/", views.proposal_decide, name="proposal-decide"),
    path("accounts/<int:account_pk>/override/", views.override, name="override"),
]
