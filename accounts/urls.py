from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.AccountListView.as_view(), name="list"),
    path("new/", views.account_create, name="create"),
    path("owner-options/", views.owner_options, name="owner-options"),
    path("account-options/", views.account_options, name="account-options"),
    path("people-options/", views.people_options, name="people-options"),
    path("claims/", views.claim_queue, name="claims"),
    path("claims/<int:pk>/decide/", views.claim_decide, name="claim-decide"),
    path("claims/<int:pk>/withdraw/", views.claim_withdraw, name="claim-withdraw"),
    path("handovers/", views.handover_queue, name="handovers"),
    path("handovers/<int:pk>/decide/", views.handover_decide, name="handover-decide"),
    path("handovers/<int:pk>/withdraw/", views.handover_withdraw, name="handover-withdraw"),
    path("<int:pk>/", views.account_detail, name="detail"),
    path("<int:pk>/edit/", views.account_edit, name="edit"),
    path("<int:pk>/archive/", views.account_archive, name="archive"),
    path("<int:pk>/restore/", views.account_restore, name="restore"),
    path("<int:pk>/review-profile/", views.account_profile_review, name="review-profile"),
    path("<int:pk>/history/", views.account_history, name="history"),
    path("<int:pk>/site/", views.account_site, name="site"),
    path("<int:pk>/claim/", views.claim_file, name="claim"),
    path("<int:pk>/handover/", views.handover_request, name="handover"),
    path("<int:pk>/handover/options/", views.handover_options, name="handover-options"),
    path("<int:account_pk>/competitors/new/", views.competitor_add, name="competitor-add"),
    path("<int:account_pk>/competitors/<int:pk>/edit/", views.competitor_edit, name="competitor-edit"),
    path("<int:account_pk>/competitors/<int:pk>/delete/", views.competitor_delete, name="competitor-delete"),
    path("<int:account_pk>/orders/new/", views.order_add, name="order-add"),
    path("<int:account_pk>/orders/<int:pk>/edit/", views.order_edit, name="order-edit"),
    path("<int:account_pk>/orders/<int:pk>/delete/", views.order_delete, name="order-delete"),
    path("<int:account_pk>/products/new/", views.product_add, name="product-add"),
    path("<int:account_pk>/products/<int:pk>/edit/", views.product_edit, name="product-edit"),
    path("<int:account_pk>/products/<int:pk>/delete/", views.product_delete, name="product-delete"),
]

# The lists an admin keeps for lost accounts (K-52): settings, not pages about an account,
# so they live in their own namespace ("churn"), mounted by config/urls.py.
settings_patterns = [
    path("<slug:kind>/", views.churn_list, name="list"),
    path("<slug:kind>/new/", views.churn_entry, name="add"),
    path("<slug:kind>/<int:pk>/", views.churn_entry, name="edit"),
]
