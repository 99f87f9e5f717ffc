"""OpenID Connect sign-in with mozilla-django-oidc, from the environment (users/oidc.py).

Off unless OIDC_CLIENT_ID is set."""

import environ

from config.settings.ldap import _pairs

env = environ.Env()

OIDC_RP_CLIENT_ID = env("OIDC_CLIENT_ID", default="")
OIDC_PROVIDER_NAME = env("OIDC_PROVIDER_NAME", default="single sign-on")
OIDC_USERNAME_CLAIM = env("OIDC_USERNAME_CLAIM", default="preferred_username")
OIDC_GROUPS_CLAIM = env("OIDC_GROUPS_CLAIM", default="groups")
OIDC_ROLE_GROUPS = {
    "admin": env("OIDC_ADMIN_GROUP", default=""),
    "supervisor": env("OIDC_SUPERVISOR_GROUP", default=""),
    "manager": env("OIDC_MANAGER_GROUP", default=""),
}
OIDC_TEAM_GROUPS = _pairs(env("OIDC_TEAM_GROUPS", default=""))

if OIDC_RP_CLIENT_ID:
    OIDC_RP_CLIENT_SECRET = env("OIDC_CLIENT_SECRET")
    OIDC_OP_AUTHORIZATION_ENDPOINT = env("OIDC_AUTHORIZATION_ENDPOINT")
    OIDC_OP_TOKEN_ENDPOINT = env("OIDC_TOKEN_ENDPOINT")
    OIDC_OP_USER_ENDPOINT = env("OIDC_USERINFO_ENDPOINT")
    OIDC_OP_JWKS_ENDPOINT = env("OIDC_JWKS_ENDPOINT", default=None)
    OIDC_RP_SIGN_ALGO = env("OIDC_SIGN_ALGO", default="RS256")
    OIDC_RP_SCOPES = env("OIDC_SCOPES", default="openid email profile")
    OIDC_USE_PKCE = env.bool("OIDC_USE_PKCE", default=True)
    OIDC_CALLBACK_CLASS = "users.oidc.CallbackView"
    LOGIN_REDIRECT_URL_FAILURE = "/login/"
