from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from api import views

app_name = "api"

router = DefaultRouter()
router.include_format_suffixes = False  # JSON only: no /api/accounts.json twins
router.register("accounts", views.AccountViewSet, basename="account")
router.register("contacts", views.ContactViewSet, basename="contact")
router.register("buyer-roles", views.BuyerRoleViewSet, basename="buyer-role")
router.register("orders", views.OrderViewSet, basename="order")
router.register("visits", views.VisitViewSet, basename="visit")
router.register("issues", views.IssueViewSet, basename="issue")
router.register("care-tasks", views.CareTaskViewSet, basename="care-task")
router.register("tiers", views.TierViewSet, basename="tier")


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI from our own static files (drf-spectacular-sidecar), its start script fetched
    from this same address (`?script`): nothing inline, so the CSP stays as strict as elsewhere."""

    template_name = "api/docs.html"
    url_name = "api:schema"


# The API answers a stranger with 401 JSON, not the login page: DRF's views are marked
# login-not-required for LoginRequiredMiddleware, and the API's own authentication (session or
# token) decides. The schema and its docs page are public, as an API's description is.
urlpatterns = [*router.urls,
               path("schema/", SpectacularAPIView.as_view(), name="schema"),
               path("docs/", DocsView.as_view(), name="docs")]

# The owner's token page (mounted at /profile/api-tokens/).
token_patterns = [
    path("", views.token_list, name="list"),
    path("<int:pk>/revoke/", views.token_revoke, name="revoke"),
]
