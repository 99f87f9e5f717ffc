from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_login_page_has_the_two_fields(client):
    page = client.get(reverse("login"))
    assert page.status_code == 200
    assert b'name="username"' in page.content and b'name="password"' in page.content


def test_manager_logs_in_and_lands_on_home(client, manager):
    response = login(client, "li", PASSWORD)
    assert response.status_code == 302 and response.url == reverse("home")
    assert client.get(reverse("home")).context["user"] == manager


def test_wrong_password_is_refused_with_a_message(client, manager):
    response = login(client, "li", "wrong")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert "_auth_user_id" not in client.session


def test_repeated_failures_lock_the_login_even_with_the_right_password(client, manager):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "li", "wrong")
    response = login(client, "li", PASSWORD)
    assert response.status_code == 429
    assert "registration/locked_out.html" in [t.name for t in response.templates]
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_username(client, manager, teammate):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "li", "wrong")
    assert login(client, "chen", PASSWORD).status_code == 302


def test_expired_lockouts_are_cleared_by_the_hourly_job(client, manager):
    from users.tasks import lockouts_clear_expired

    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "li", "wrong")
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(days=1))
    assert lockouts_clear_expired() == 1
    assert login(client, "li", PASSWORD).status_code == 302


def test_logout_is_a_post_and_ends_the_session(client, manager):
    client.force_login(manager)
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302


def _expires_at(client):
    from django.contrib.sessions.models import Session

    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_the_idle_expiry_is_pushed_at_most_once_a_minute_not_saved_on_every_page(
        client, manager, django_assert_max_num_queries):
    """Issue 19: the sliding window cost three statements on every page; a push a minute
    keeps the 30-minute timeout to within a minute."""
    from core.middleware import SessionMiddleware

    client.force_login(manager)
    client.get(reverse("home"))  # the first page after the login pushes
    pushed = _expires_at(client)
    client.get(reverse("home"))
    assert _expires_at(client) == pushed  # within the minute: nothing written

    session = client.session
    session[SessionMiddleware.REFRESHED] -= settings.SESSION_REFRESH_SECONDS  # a minute later
    session.save()
    before = _expires_at(client)
    client.get(reverse("home"))
    assert _expires_at(client) > before


def test_password_change_keeps_the_user_logged_in(client, manager):
    client.force_login(manager)
    response = client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": "a-new-longer-pass-42", "new_password2": "a-new-longer-pass-42",
    })
    assert response.status_code == 302
    manager.refresh_from_db()
    assert manager.check_password("a-new-longer-pass-42")
    assert client.get(reverse("home")).status_code == 200


def test_password_change_mismatch_shows_the_error_at_the_field(client, manager):
    client.force_login(manager)
    response = client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": "a-new-longer-pass-42", "new_password2": "different-pass-42",
    })
    assert response.status_code == 200
    assert "new_password2" in response.context["form"].errors


def test_idle_sessions_expire_and_each_request_pushes_the_expiry(client, manager):
    client.force_login(manager)
    client.get(reverse("home"))
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE == 30 * 60
    session = client.session
    session.set_expiry(-1)  # as if the user had been idle past the timeout
    session.save()
    assert client.get(reverse("home")).status_code == 302
