"""Every page needs a login except the few a stranger must reach (walks the URLconf)."""

import re

import pytest

from tests.urlwalk import routes

pytestmark = pytest.mark.django_db

# Pages a logged-out person must reach: logging in, resetting a password,
# choosing a language, and the load balancer's probe.
PUBLIC = {
    "/login/", "/healthz", "/i18n/setlang/",
    "/password_reset/", "/password_reset/done/", "/reset/x-y/x-y/", "/reset/done/",
    "/admin/login/",
    # The second sign-in step (issue 24): without a password given first they send back to /login/.
    "/login/code/", "/login/enrol/",
    # The installable app (issue 20): browsers fetch the manifest without cookies; the service
    # worker and the offline page hold nobody's data.
    "/sw.js", "/manifest.webmanifest", "/offline/",
}
# The calendar feed (issue 9): calendar apps cannot log in, so the secret in the
# URL is the credential. Without a valid secret it is not found, never a login page.
SECRET_LINKS = {"/calendar/feed/x-y.ics"}
# The REST API (issue 24) answers a stranger 401 in JSON, with how to authenticate: an API client
# cannot follow a login page. Its schema and the docs page showing it are public, like any API's
# description (the token page is a page of the app, behind the login).
API_PUBLIC = {"/api/schema/", "/api/docs/"}


def concrete(route):
    """A request path for a route, with sample values for its parameters."""
    route = re.sub(r"<int:\w+>", "1", route)
    route = re.sub(r"<(?:str|slug|uuid|path:)?\w*:?\w+>", "x-y", route)
    route = route.replace("^", "").replace("$", "").replace("\\Z", "")
    return "/" + route


def all_paths():
    paths = {concrete(route) for route, _pattern, _namespace in routes()}
    # Regex routes the admin builds for every model are covered by the admin index.
    return sorted(p for p in paths if "(" not in p and "?" not in p)


def test_the_walk_finds_the_project_pages():
    paths = all_paths()
    assert {"/", "/teams/", "/teams/1/", "/password_change/", "/admin/"} <= set(paths)
    assert SECRET_LINKS <= set(paths)  # the exception is still where this test expects it


@pytest.mark.parametrize("path", all_paths())
def test_anonymous_visitor_is_sent_to_login(client, path):
    response = client.get(path)
    if path in SECRET_LINKS:
        assert response.status_code == 404, path
        return
    if path in API_PUBLIC:
        assert response.status_code == 200, path
        return
    if path.startswith("/api/"):
        assert response.status_code == 401, path
        assert response["Content-Type"] == "application/json" and "WWW-Authenticate" in response, path
        return
    if path in PUBLIC:
        assert response.status_code in (200, 302, 405)
        if response.status_code == 302:
            assert "/login/" not in response.url or path.startswith(("/reset/", "/login/", "/admin/login/"))
        return
    assert response.status_code == 302, path
    assert "login/?next=" in response.url, (path, response.url)
