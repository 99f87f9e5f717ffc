from django.urls import path

from visits import views

app_name = "visits"
urlpatterns = [
    path("", views.visit_list, name="list"),
    path("new/", views.visit_create, name="create"),
    path("contact-options/", views.contact_options, name="contact-options"),
    path("account-options/", views.account_options, name="account-options"),
    path("overlap-check/", views.overlap_check, name="overlap-check"),
    path("settings/", views.field_settings, name="field-settings"),
    path("<int:pk>/", views.visit_detail, name="detail"),
    path("<int:pk>/edit/", views.visit_edit, name="edit"),
    path("<int:pk>/delete/", views.visit_delete, name="delete"),
    path("<int:pk>/issues/new/", views.visit_issue_add, name="issue-add"),
    path("<int:pk>/check-out/", views.visit_check_out, name="check-out"),
    path("<int:pk>/site-from-check-in/", views.visit_site_from_check_in, name="site-from-check-in"),
    path("issues/", views.issue_list, name="issues"),
    path("after-sales/<int:pk>/done/", views.after_sales_done, name="after-sales-done"),
    path("issues/<int:pk>/follow-up/", views.issue_follow_up, name="issue-follow-up"),
    path("green-channel/", views.green_list, name="green"),
    path("green-channel/new/", views.green_create, name="green-create"),
    path("green-channel/<int:pk>/advance/", views.green_advance, name="green-advance"),
    path("sign-off/", views.sign_off_home, name="sign-off"),
    path("sign-off/submit/", views.sign_off_submit, name="sign-off-submit"),
    path("sign-off/<int:pk>/", views.sign_off_review, name="sign-off-review"),
    path("sign-off/<int:pk>/comment/<int:visit_pk>/", views.sign_off_comment, name="sign-off-comment"),
    path("sign-off/<int:pk>/decide/", views.sign_off_decide, name="sign-off-decide"),
    path("sign-off/<int:pk>/reopen/", views.sign_off_reopen, name="sign-off-reopen"),
]
