"""Issue 18, item 2: a message that gave up (a dead letter) is shown on the admin's job-health
dashboard and outgoing-messages page with its error, and the admin sends it again once the
receiver is mended. Counted at a real local SMTP server. Everyone else gets 404."""

import pytest
from django.urls import reverse

from core import outbox
from core.models import OutboxMessage
from tests.receivers import SmtpReceiver

pytestmark = pytest.mark.django_db


def give_up(key, to="zhou@example.com", subject="Zhou Min's birthday"):
    """A message queued while the mail server was down, tried MAX_ATTEMPTS times."""
    [pk] = outbox.outbox_queue([outbox.email(to=to, subject=subject, body="Call her.", dedupe_key=key)])
    for _attempt in range(outbox.MAX_ATTEMPTS):
        OutboxMessage.objects.filter(pk=pk).update(next_attempt_at=outbox.timezone.now())
        outbox.outbox_send(pk)
    return OutboxMessage.objects.get(pk=pk)


def mail_server_at(settings, receiver):
    settings.EMAIL_PORT = receiver.port


def test_the_admin_sees_a_dead_letter_with_its_error_and_retries_it_once_the_mail_server_is_back(
        client, admin, smtp_down, settings, django_capture_on_commit_callbacks, eager_celery):
    message = give_up("birthday:1")
    assert message.dead and message.attempts == outbox.MAX_ATTEMPTS
    assert "ConnectionRefusedError" in message.last_error

    client.force_login(admin)
    dashboard = client.get(reverse("home"))
    assert dashboard.context["outbox"]["dead_count"] == 1
    html = dashboard.content.decode()
    assert "1 gave up after every attempt." in html and "ConnectionRefusedError" in html
    assert "zhou@example.com" in html and "Zhou Min&#x27;s birthday" in html

    page = client.get(reverse("notifications:outbox"), {"state": "dead"})
    assert [m.pk for m in page.context["outgoing"]] == [message.pk]
    assert "Retry 1 dead letter" in page.content.decode()

    with SmtpReceiver() as receiver:
        mail_server_at(settings, receiver)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("notifications:outbox-retry", args=[message.pk]),
                                   {"next": "?state=dead"}, follow=True)
        assert response.redirect_chain[-1][0] == reverse("notifications:outbox") + "?state=dead"
        assert "The message is queued again." in response.content.decode()
        assert receiver.subjects() == ["Zhou Min's birthday"]

        # Retrying again, or the sweep, sends nothing twice.
        response = client.post(reverse("notifications:outbox-retry", args=[message.pk]), follow=True)
        assert "Only a message that gave up can be retried; this one is sent." in response.content.decode()
        assert outbox.outbox_sweep(now=outbox.timezone.now() + outbox.STALE_CLAIM * 2) == 0
        assert receiver.subjects() == ["Zhou Min's birthday"]
    message.refresh_from_db()
    assert message.sent_at and not message.dead and message.attempts == 1


def test_retry_all_asks_first_then_sends_every_dead_letter_once(
        client, admin, smtp_down, settings, django_capture_on_commit_callbacks, eager_celery):
    for i in range(3):
        give_up(f"digest:{i}", to=f"p{i}@example.com", subject=f"Digest {i}")
    give_up_not = outbox.outbox_queue([outbox.email(to="later@example.com", subject="Later", body=".",
                                                    dedupe_key="later")])
    client.force_login(admin)

    confirm = client.get(reverse("notifications:outbox-retry-dead"))
    assert confirm.status_code == 200 and "Retry every dead letter?" in confirm.content.decode()
    assert OutboxMessage.objects.dead_letters().count() == 3  # asking changed nothing

    with SmtpReceiver() as receiver:
        mail_server_at(settings, receiver)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("notifications:outbox-retry-dead"), follow=True)
        assert "3 messages are queued again." in response.content.decode()
        assert sorted(receiver.subjects()) == ["Digest 0", "Digest 1", "Digest 2"]
    assert not OutboxMessage.objects.dead_letters().exists()
    assert OutboxMessage.objects.get(pk=give_up_not[0]).sent_at is None  # not a dead letter: left to its task


def test_the_outgoing_list_filters_by_state_channel_and_address_and_hides_a_robots_key(client, admin, smtp_down):
    give_up("dead:1", to="dead@example.com")
    outbox.outbox_queue([outbox.email(to="wait@example.com", subject="W", body=".", dedupe_key="w"),
                         outbox.webhook(url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=SECRET-KEY",
                                        platform="wecom", body={"msgtype": "markdown"}, dedupe_key="h")])
    client.force_login(admin)
    url = reverse("notifications:outbox")

    everything = client.get(url)
    assert len(everything.context["outgoing"]) == 3
    assert "SECRET-KEY" not in everything.content.decode() and "qyapi.weixin.qq.com" in everything.content.decode()
    assert [m.recipient for m in client.get(url, {"state": "waiting", "channel": "email"}).context["outgoing"]] \
        == ["wait@example.com"]
    assert [m.recipient for m in client.get(url, {"q": "dead@"}).context["outgoing"]] == ["dead@example.com"]

    bad = client.get(url, {"state": "lost", "page": "x"})
    assert bad.status_code == 200 and "Select a valid choice" in bad.content.decode()
    assert list(bad.context["outgoing"]) == []
    assert "No message matches these filters." in bad.content.decode()


@pytest.mark.parametrize("who", ["manager", "supervisor", "outsider"])
def test_only_admins_see_or_retry_what_the_system_sends(client, who, request, smtp_down):
    message = give_up("dead:1")
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("notifications:outbox")).status_code == 404
    assert client.post(reverse("notifications:outbox-retry", args=[message.pk])).status_code == 404
    assert client.post(reverse("notifications:outbox-retry-dead")).status_code == 404
    message.refresh_from_db()
    assert message.dead and message.attempts == outbox.MAX_ATTEMPTS


def test_the_outgoing_list_costs_the_same_queries_with_more_messages(client, admin, django_assert_max_num_queries):
    client.force_login(admin)

    def grow(n):
        outbox.outbox_queue([outbox.email(to=f"{n}-{i}@example.com", subject="S", body=".", dedupe_key=f"{n}-{i}")
                             for i in range(n)])
    grow(1)
    with django_assert_max_num_queries(9):
        client.get(reverse("notifications:outbox"))
    grow(40)
    with django_assert_max_num_queries(9):
        client.get(reverse("notifications:outbox"), {"page": 2})
