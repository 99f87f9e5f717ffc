"""Signing in with an OpenID Connect provider (Azure AD / Entra ID, Keycloak, Okta, Authing…),
with mozilla-django-oidc (issue 24 item 5). On when OIDC_CLIENT_ID is set
(config/settings/oidc.py); the login page then offers a "Sign in with …" button.

Users are matched by the provider's username claim, never by e-mail (a provider account that
claims someone's address does not become them), and a local account with a password of its own
is never taken over (as with LDAP, users.ldap). Role and team come from the groups claim at
every sign-in. The second factor is asked after the provider as after a password: an admin
still types their code (users.views_twofactor)."""

from django.conf import settings
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView

from users.ldap import apply_groups, is_local
from users.models import User


class ProviderBackend(OIDCAuthenticationBackend):
    def _username(self, claims):
        return str(claims.get(settings.OIDC_USERNAME_CLAIM) or "").strip()[:150]

    def verify_claims(self, claims):
        return bool(self._username(claims))

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        username = self._username(claims)
        if not username or is_local(username):
            return None  # a local account stays local: no provider account becomes it
        user = User.objects.filter(username__iexact=username).first()
        return self.update_user(user, claims) if user else self.create_user(claims)

    def create_user(self, claims):
        user = User(username=self._username(claims))
        user.set_unusable_password()
        return self.update_user(user, claims)

    def update_user(self, user, claims):
        user.email = str(claims.get("email") or user.email)[:254]
        user.display_name = str(claims.get("name") or user.display_name)[:150]
        groups = claims.get(settings.OIDC_GROUPS_CLAIM) or []
        groups = [str(g) for g in (groups if isinstance(groups, list) else [groups])]
        apply_groups(user, groups, settings.OIDC_ROLE_GROUPS, settings.OIDC_TEAM_GROUPS, source="oidc")
        user.save()
        return user


class CallbackView(OIDCAuthenticationCallbackView):
    def login_success(self):
        from users.views_twofactor import begin_second_step

        if second_step := begin_second_step(self.request, self.user, self.success_url):
            return second_step
        return super().login_success()


def _patterns():
    from django.contrib.auth.decorators import login_not_required
    from django.urls import path
    from mozilla_django_oidc.views import OIDCAuthenticationRequestView

    return [
        path("callback/", login_not_required(CallbackView.as_view()), name="oidc_authentication_callback"),
        path("authenticate/", login_not_required(OIDCAuthenticationRequestView.as_view()),
             name="oidc_authentication_init"),
    ]


oidc_patterns = _patterns()
