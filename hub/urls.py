from django.urls import path

from hub import views

app_name = "hub"
urlpatterns = [
    path("search/", views.search, name="search"),
    path("accounts/<int:pk>/timeline/", views.account_timeline, name="account-timeline"),
    path("contacts/<int:pk>/timeline/", views.contact_timeline, name="contact-timeline"),
    path("comments/<slug:on>/<int:pk>/", views.comments, name="comments"),
    path("comments/<slug:on>/<int:pk>/people/", views.mention_options, name="mention-options"),
    path("comments/<int:pk>/delete/", views.comment_delete, name="comment-delete"),
    path("duplicates/", views.duplicates, name="duplicates"),
    path("accounts/<int:pk>/duplicates/", views.account_duplicates, name="account-duplicates"),
    path("merge/accounts/", views.merge_accounts, name="merge-accounts"),
    path("merge/contacts/", views.merge_contacts, name="merge-contacts"),
    path("views/", views.saved_views, name="saved-views"),
    path("views/save/", views.saved_view_save, name="saved-view-save"),
    path("views/<int:pk>/default/", views.saved_view_default, name="saved-view-default"),
    path("views/<int:pk>/delete/", views.saved_view_delete, name="saved-view-delete"),
    path("portfolio/", views.portfolio, name="portfolio"),
    path("portfolio/people/", views.portfolio_people, name="portfolio-people"),
    path("accounts/bulk/", views.accounts_bulk, name="accounts-bulk"),
]
