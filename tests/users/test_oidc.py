"""OpenID Connect sign-in (issue 24 item 5) against a small provider of our own on loopback:
the browser is sent to the provider, comes back with a code, the CRM exchanges it for a signed
ID token and reads the user's claims; the groups claim decides role and team; an admin still
types their two-factor code; a local account is never taken over."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from django.urls import reverse

from tests.factories import AdminFactory
from users.models import User

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.oidc_urls")]

CLIENT_ID, SECRET = "kam-crm", "client-secret-for-tests-0123456789"


class Provider:
    """Token and userinfo endpoints: the ID token carries the nonce the CRM sent."""

    def __init__(self):
        self.nonce, self.claims = "", {}
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _json(self, body):
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):  # the token endpoint
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                token = jwt.encode({"sub": provider.claims.get("sub", "x"), "aud": CLIENT_ID, "iss": "test",
                                    "nonce": provider.nonce, "exp": int(time.time()) + 300}, SECRET,
                                   algorithm="HS256")
                self._json({"id_token": token, "access_token": "access", "token_type": "Bearer"})

            def do_GET(self):  # the userinfo endpoint
                self._json(provider.claims)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def provider(settings):
    provider = Provider()
    settings.AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "users.oidc.ProviderBackend",
                                        "django.contrib.auth.backends.ModelBackend"]
    settings.OIDC_RP_CLIENT_ID, settings.OIDC_RP_CLIENT_SECRET = CLIENT_ID, SECRET
    settings.OIDC_RP_SIGN_ALGO = "HS256"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{provider.url}/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{provider.url}/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{provider.url}/userinfo"
    settings.OIDC_RP_SCOPES = "openid email profile"
    settings.OIDC_PROVIDER_NAME = "Contoso ID"
    settings.OIDC_ROLE_GROUPS = {"admin": "crm-admins", "supervisor": "crm-supervisors", "manager": ""}
    settings.OIDC_TEAM_GROUPS = {"east": "East China"}
    settings.LOGIN_REDIRECT_URL_FAILURE = "/login/"
    yield provider
    provider.close()


def sign_in_at_provider(client, provider, claims):
    start = client.get(reverse("oidc_authentication_init"))
    assert start.status_code == 302 and start.url.startswith(provider.url)
    query = parse_qs(urlsplit(start.url).query)
    provider.nonce, provider.claims = query["nonce"][0], claims
    return client.get(reverse("oidc_authentication_callback"), {"code": "abc", "state": query["state"][0]})


def test_the_login_page_offers_the_provider(client, provider):
    assert "Sign in with Contoso ID" in client.get(reverse("login")).content.decode()


def test_a_provider_user_signs_in_and_their_group_makes_them_supervisor(client, provider, team):
    response = sign_in_at_provider(client, provider, {"sub": "1", "preferred_username": "mei", "name": "林美",
                                                      "email": "mei@example.com", "groups": ["crm-supervisors",
                                                                                             "east"]})
    assert response.status_code == 302 and response.url == "/"
    mei = User.objects.get(username="mei")
    assert (mei.role, mei.team, mei.display_name, int(client.session["_auth_user_id"])) == (
        User.Role.SUPERVISOR, team, "林美", mei.pk)
    assert not mei.has_usable_password()


def test_a_provider_admin_still_types_the_two_factor_code(client, provider):
    response = sign_in_at_provider(client, provider, {"sub": "2", "preferred_username": "boss",
                                                      "groups": ["crm-admins"]})
    assert response.url == reverse("login-enrol") and "_auth_user_id" not in client.session


def test_a_local_account_is_not_taken_over_by_the_provider(client, provider):
    AdminFactory(username="root")
    response = sign_in_at_provider(client, provider, {"sub": "3", "preferred_username": "root",
                                                      "groups": ["crm-admins"]})
    assert response.url == reverse("login") and "_auth_user_id" not in client.session
