from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import set_language

from accounts.urls import settings_patterns as account_settings_patterns
from api.urls import token_patterns as api_token_patterns
from config.health import healthz
from users import views_twofactor
from users.views import PasswordResetView

admin.site.site_header = "KAM CRM"
# The product's error pages, and JSON under /api/ (an API client cannot read a page).
handler400 = "api.exceptions.bad_request"
handler403 = "api.exceptions.permission_denied"
handler404 = "api.exceptions.page_not_found"
handler500 = "api.exceptions.server_error"

urlpatterns = [
    path("", include("reports.urls")),
    path("healthz", healthz, name="healthz"),
    path("", include("pwa.urls")),  # the installable app: /sw.js, /manifest.webmanifest, /offline/
    # The language can be chosen on the login page, before logging in.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    # Before django.contrib.auth's own: the reset request is rate-limited and mails from the worker.
    path("password_reset/", PasswordResetView.as_view(), name="password_reset"),
    # Before django.contrib.auth's own: the second factor between the password and the session.
    path("login/", views_twofactor.LoginView.as_view(), name="login"),
    path("login/code/", views_twofactor.login_code, name="login-code"),
    path("login/enrol/", views_twofactor.login_enrol, name="login-enrol"),
    path("security/", views_twofactor.security, name="security"),
    path("security/authenticator/", views_twofactor.security_enrol, name="security-enrol"),
    path("security/recovery-codes/", views_twofactor.security_recovery_codes, name="security-recovery-codes"),
    path("security/off/", views_twofactor.security_disable, name="security-disable"),
    path("", include("django.contrib.auth.urls")),
    path("teams/", include("users.urls")),
    path("notifications/", include("notifications.urls")),
    path("accounts/", include("accounts.urls")),
    path("settings/churn/", include((account_settings_patterns, "churn"))),
    path("", include("contacts.urls")),
    path("visits/", include("visits.urls")),
    path("attachments/", include("attachments.urls")),
    path("tiering/", include("tiering.urls")),
    path("opportunities/", include("opportunities.urls")),
    path("care/", include("care.urls")),
    path("imports/", include("imports.urls")),
    path("calendar/", include("feeds.urls")),
    path("departments/", include("departments.urls")),
    path("", include("plans.urls")),
    # The admin site's own login would skip the second factor: it sends to ours instead.
    path("admin/login/", login_not_required(RedirectView.as_view(pattern_name="login", query_string=True))),
    path("audit/", include("audit.urls")),
    path("people/", include("people.urls")),
    path("api/", include("api.urls")),
    path("profile/api-tokens/", include((api_token_patterns, "api-tokens"))),
    path("hub/", include("hub.urls")),
    path("admin/", admin.site.urls),
]
# No route serves MEDIA_ROOT, not even with DEBUG: attachments are served by attachments.views,
# which asks whether the reader may see the record.

if settings.OIDC_RP_CLIENT_ID:
    from users.oidc import oidc_patterns

    urlpatterns.insert(0, path("oidc/", include(oidc_patterns)))
