"""Issue 15 item 10: the password reset tells nobody whether an address has an
account — the same answer and the same work in the request for a known and an
unknown address, the lookup and the e-mail in the worker — and it is rate-limited
per e-mail address and per client address, known or unknown alike."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from users import views
from users.tasks import password_reset_send

pytestmark = pytest.mark.django_db

KNOWN, UNKNOWN = "li@example.com", "nobody@example.com"


@pytest.fixture
def queued(monkeypatch):
    """The addresses handed to the worker, instead of a broker."""
    sent = []
    monkeypatch.setattr(views.password_reset_send, "delay", lambda email: sent.append(email))
    return sent


def ask(client, email, **extra):
    return client.post(reverse("password_reset"), {"email": email}, **extra)


def without_tokens(html):
    """The page without its CSRF tokens (a fresh mask on every response)."""
    return re.sub(r"[A-Za-z0-9]{64}", "TOKEN", html)


def test_a_known_and_an_unknown_address_get_the_same_answer(client, manager, queued):
    known, unknown = ask(client, KNOWN, follow=True), ask(client, UNKNOWN, follow=True)

    assert known.redirect_chain == unknown.redirect_chain == [(reverse("password_reset_done"), 302)]
    assert without_tokens(known.content.decode()) == without_tokens(unknown.content.decode())
    assert "If an account uses that address" in known.content.decode()


def test_the_request_does_the_same_work_for_both_and_looks_nobody_up(client, manager, queued):
    """Django's own view sends the mail inside the request, so a known address answers
    later (an SMTP round trip). Here both requests run the same SQL, send nothing and
    queue the same job; who gets mail is decided in the worker."""
    work = {}
    for email in (KNOWN, UNKNOWN):
        with CaptureQueriesContext(connection) as queries:
            ask(client, email)
        work[email] = [query["sql"] for query in queries.captured_queries]

    assert work[KNOWN] == work[UNKNOWN]
    assert not any("users_user" in sql for sql in work[KNOWN])
    assert mail.outbox == []
    assert queued == [KNOWN, UNKNOWN]


def test_the_worker_mails_a_working_link_to_a_known_address_and_nothing_to_an_unknown_one(client, manager,
                                                                                         settings):
    settings.SITE_URL = "https://crm.example.com"

    assert password_reset_send(UNKNOWN) == 0
    assert password_reset_send(KNOWN) == 1

    assert len(mail.outbox) == 1 and mail.outbox[0].to == [KNOWN]
    link = re.search(r"https://crm\.example\.com(/reset/\S+)", mail.outbox[0].body).group(1)
    page = client.get(link, follow=True)
    assert "new_password1" in page.content.decode()  # the token holds


def test_no_mail_for_an_inactive_account(manager):
    manager.is_active = False
    manager.save()
    assert password_reset_send(KNOWN) == 0
    assert mail.outbox == []


def test_the_mail_is_in_its_readers_language(manager):
    manager.language = "zh-hans"
    manager.save()
    password_reset_send(KNOWN)
    assert mail.outbox[0].subject == "重置您的大客户管理系统密码"


@pytest.mark.parametrize("email", [KNOWN, UNKNOWN])
def test_requests_for_one_address_are_limited_known_or_not(client, manager, queued, settings, email):
    for n in range(settings.PASSWORD_RESET_LIMIT_PER_ADDRESS):
        assert ask(client, email, REMOTE_ADDR=f"10.0.0.{n}").status_code == 302

    refused = ask(client, email.upper(), REMOTE_ADDR="10.0.0.99")  # another client, the same address

    assert refused.status_code == 429
    assert "Too many reset requests from here or for this address. Try again in 60 minutes." in (
        refused.content.decode())
    assert refused.context["form"]["email"].value() == email.upper()  # what was typed stays
    assert len(queued) == settings.PASSWORD_RESET_LIMIT_PER_ADDRESS
    assert ask(client, "someone.else@example.com", REMOTE_ADDR="10.0.0.98").status_code == 302


def test_requests_from_one_client_are_limited(client, queued, settings):
    for n in range(settings.PASSWORD_RESET_LIMIT_PER_IP):
        assert ask(client, f"guess{n}@example.com").status_code == 302

    assert ask(client, "guess-more@example.com").status_code == 429
    assert ask(client, "guess-more@example.com", REMOTE_ADDR="192.0.2.7").status_code == 302


def test_the_limit_lifts_when_the_window_ends(client, queued, settings):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(settings.PASSWORD_RESET_LIMIT_PER_ADDRESS + 1):
            ask(client, UNKNOWN)
        assert ask(client, UNKNOWN).status_code == 429
        traveller.shift(timedelta(minutes=settings.PASSWORD_RESET_WINDOW_MINUTES, seconds=1))
        assert ask(client, UNKNOWN).status_code == 302


def forwarded_for(request):
    return request.META.get("HTTP_X_FORWARDED_FOR", request.META["REMOTE_ADDR"])


def test_the_client_address_is_the_one_the_login_lockout_sees(client, queued, settings):
    """Behind the TLS proxy every request comes from the proxy; the limit counts the client
    address exactly as django-axes resolves it for the login lockout, so configuring axes
    for the proxy configures this too, and one abuser does not lock out everyone."""
    settings.AXES_CLIENT_IP_CALLABLE = forwarded_for
    behind = {"REMOTE_ADDR": "10.0.0.1"}
    for n in range(settings.PASSWORD_RESET_LIMIT_PER_IP):
        ask(client, f"guess{n}@example.com", HTTP_X_FORWARDED_FOR="203.0.113.5", **behind)

    assert ask(client, "more@example.com", HTTP_X_FORWARDED_FOR="203.0.113.5", **behind).status_code == 429
    assert ask(client, "mine@example.com", HTTP_X_FORWARDED_FOR="198.51.100.9", **behind).status_code == 302


def test_an_unreachable_broker_says_so_the_same_for_everyone(client, manager, monkeypatch):
    def down(email):
        raise ConnectionError("broker down")
    monkeypatch.setattr(views.password_reset_send, "delay", down)

    known, unknown = ask(client, KNOWN), ask(client, UNKNOWN)

    assert known.status_code == unknown.status_code == 503
    assert "The e-mail could not be sent just now" in known.content.decode()
    assert without_tokens(known.content.decode()).replace(KNOWN, "") == \
        without_tokens(unknown.content.decode()).replace(UNKNOWN, "")


def test_an_unreachable_cache_lets_the_request_through(client, queued, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("cache down")
    monkeypatch.setattr("users.ratelimit.cache.add", down)
    assert ask(client, UNKNOWN).status_code == 302
    assert queued == [UNKNOWN]


def test_a_bad_address_is_refused_at_the_field(client, queued):
    response = ask(client, "not-an-address")
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert queued == []
