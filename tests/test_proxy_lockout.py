"""Behind the TLS proxy of docker-compose (AXES_PROXY_COUNT=1) the login lockout counts the
client's address from X-Forwarded-For, not the proxy's: one client's failures do not lock a
username for every other client (issue 15, item 7)."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse

from config.client_ip import client_ip
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"


def login(client, password, forwarded_for):
    return client.post(reverse("login"), {"username": "li", "password": password},
                       REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for)


def test_behind_one_proxy_the_lockout_hits_the_client_not_the_proxy(client, manager, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "wrong", "203.0.113.7")

    assert login(client, PASSWORD, "203.0.113.7").status_code == 429  # the guessing client is locked
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}
    client.logout()
    # Another client through the same proxy still logs in as li; the attacker's forged entry
    # on the left of the header does not make it the victim's address.
    assert login(client, PASSWORD, "198.51.100.4").status_code == 302
    client.logout()
    assert login(client, PASSWORD, "198.51.100.4, 203.0.113.7").status_code == 429


def test_without_a_proxy_the_header_is_ignored():
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert settings.TRUSTED_PROXY_COUNT == 0
    assert client_ip(request) == "192.0.2.1"


@pytest.mark.parametrize(("forwarded_for", "expected"), [
    ("203.0.113.7", "203.0.113.7"),
    ("1.2.3.4, 203.0.113.7", "203.0.113.7"),  # the left one is the client's own claim
    ("", PROXY),  # a request that did not come through the proxy
    ("not-an-address", PROXY),
    ("2001:db8::1", "2001:db8::1"),
])
def test_the_client_is_the_address_the_proxy_appended(settings, forwarded_for, expected):
    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for)
    assert client_ip(request) == expected
