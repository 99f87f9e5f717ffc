"""Security sweeps over every URL (issue 8's fast part): CSRF on every POST, the
security headers on every page, and stored markup rendered escaped."""

import re

import pytest
from django.test import Client

from tests.factories import AccountFactory, ContactFactory
from tests.urlwalk import routes
from visits.services import visit_log

pytestmark = pytest.mark.django_db


def paths():
    found = set()
    for route, _pattern, _namespace in routes():
        path = "/" + re.sub(r"<(?:\w+:)?\w+>", "1", route)  # any converter: int, slug, str
        if "(" not in path and "?" not in path and "^" not in path and not path.startswith("/admin/"):
            found.add(path)
    return sorted(found)


@pytest.mark.parametrize("path", paths())
def test_every_post_without_a_csrf_token_is_refused(admin, path):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    assert client.post(path, {"anything": "1"}).status_code == 403, path


GET_PAGES = [p for p in paths() if "/1/" not in p and not p.endswith("/1") and "logout" not in p
             and "setlang" not in p and "reset" not in p]


@pytest.mark.parametrize("path", GET_PAGES)
def test_every_page_sends_the_security_headers(client, admin, path, default_tiers):
    client.force_login(admin)
    response = client.get(path)
    if response.status_code == 405:
        return  # POST-only
    csp = response.headers.get("Content-Security-Policy", "")
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp, path
    assert response.headers["X-Frame-Options"] == "DENY", path
    assert response.headers["X-Content-Type-Options"] == "nosniff", path
    assert response.headers["Referrer-Policy"] == "same-origin", path


PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_stored_markup_is_shown_as_text_everywhere(client, manager, default_tiers):
    account = AccountFactory(name=PAYLOAD, owner=manager, kind="strategic", industry=PAYLOAD)
    contact = ContactFactory(account=account, name=PAYLOAD, title=PAYLOAD)
    visit = visit_log(account=account, by=manager, contacts=[contact], channel="on_site", purpose=PAYLOAD,
                      summary=PAYLOAD, issues=[{"kind": "complaint", "description": PAYLOAD}])
    client.force_login(manager)
    pages = ["/", "/accounts/", f"/accounts/{account.pk}/", f"/accounts/{account.pk}/org-chart/",
             f"/contacts/{contact.pk}/", "/contacts/", "/visits/", f"/visits/{visit.pk}/", "/visits/issues/?show=all",
             "/accounts/dangers/", "/care/birthdays/", "/reports/operating/", "/reports/value/"]
    for page in pages:
        html = client.get(page).content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html, page
    assert "&lt;script&gt;alert" in client.get(f"/accounts/{account.pk}/").content.decode()
