"""Issue 24 item 2: personal access tokens, made on their owner's page, shown once, kept as a
digest, read or read-write, revocable, their last use recorded; throttled per token."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from api.models import AccessToken, token_digest
from tests.api.conftest import client_with

pytestmark = pytest.mark.django_db


def test_a_manager_makes_a_token_sees_it_once_and_only_its_digest_is_kept(client, manager, world,
                                                                          django_assert_max_num_queries):
    client.force_login(manager)
    made = client.post(reverse("api-tokens:list"), {"name": "ERP order sync", "scope": "read_write"})
    assert made.status_code == 302  # a reload of the page that shows it makes no second token
    page = client.get(made.url)
    token = page.context["made"]
    assert token.startswith("kam_") and token in page.content.decode()
    row = AccessToken.objects.get()
    assert (row.user, row.name, row.scope, row.digest) == (manager, "ERP order sync", "read_write",
                                                          token_digest(token))
    assert token not in str(AccessToken.objects.values().get())  # nowhere but its digest
    # session, user, the tokens: nothing per token
    with django_assert_max_num_queries(8):
        again = client.get(reverse("api-tokens:list"))
    assert token not in again.content.decode() and "ERP order sync" in again.content.decode()
    assert "never used" in again.content.decode()


def test_a_token_without_a_name_is_refused_at_the_field(client, manager):
    client.force_login(manager)
    page = client.post(reverse("api-tokens:list"), {"name": " ", "scope": "read"})
    assert page.status_code == 400 and page.context["form"].errors["name"]
    assert not AccessToken.objects.exists()


def test_last_use_is_recorded_at_most_once_a_minute(as_user, manager, world):
    client = as_user(manager)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.get("/api/accounts/")
        first = AccessToken.objects.get().last_used_at
        assert first is not None
        clock.shift(timedelta(seconds=20))
        client.get("/api/accounts/")
        assert AccessToken.objects.get().last_used_at == first
        clock.shift(timedelta(minutes=2))
        client.get("/api/accounts/")
        assert AccessToken.objects.get().last_used_at > first


def test_the_audit_log_shows_who_made_used_and_revoked_a_token(client, as_user, manager, world):
    """Issue 24 item 8: API token use is audited, as often as its last use is written."""
    from audit.models import Action, AuditEntry

    client.force_login(manager)
    client.post(reverse("api-tokens:list"), {"name": "ERP order sync", "scope": "read"})
    row = AccessToken.objects.get()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        token_client = as_user(manager)  # a second token, used twice within a minute, then later
        token_client.get("/api/accounts/")
        token_client.get("/api/accounts/")
        clock.shift(timedelta(minutes=2))
        token_client.get("/api/accounts/")
    client.post(reverse("api-tokens:revoke", args=[row.pk]))
    client.post(reverse("api-tokens:revoke", args=[row.pk]))  # already revoked: nothing more to tell
    entries = AuditEntry.objects.filter(actor=manager)
    assert entries.filter(action=Action.API_TOKEN_CREATED, target_id=str(row.pk)).get().details == {"to": "Read only"}
    assert entries.filter(action=Action.API_TOKEN_USED).count() == 2
    assert entries.filter(action=Action.API_TOKEN_REVOKED, target_id=str(row.pk)).count() == 1


def test_revoking_asks_first_and_then_the_token_stops_working(client, as_user, manager, outsider, world):
    from tests.api.conftest import token_for

    token = token_for(manager)
    row = AccessToken.objects.get()
    client.force_login(outsider)
    assert client.post(reverse("api-tokens:revoke", args=[row.pk])).status_code == 404  # not theirs
    client.force_login(manager)
    confirm = client.get(reverse("api-tokens:revoke", args=[row.pk]))
    assert confirm.status_code == 200 and b"Revoke" in confirm.content
    client.post(reverse("api-tokens:revoke", args=[row.pk]))
    assert AccessToken.objects.get().revoked_at is not None
    assert client_with(token).get("/api/accounts/").status_code == 401


def test_each_token_is_throttled_on_its_own(settings, manager, world):
    from tests.api.conftest import token_for

    settings.API_THROTTLE_RATE = "3/minute"
    busy, other = client_with(token_for(manager)), client_with(token_for(manager))
    answers = [busy.get("/api/tiers/").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    assert int(busy.get("/api/tiers/")["Retry-After"]) > 0
    assert other.get("/api/tiers/").status_code == 200  # the same person's other integration
