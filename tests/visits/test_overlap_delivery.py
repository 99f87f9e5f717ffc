"""K-24 alerts survive a broker outage: the visit is saved and the page answers; the alert's e-mail
waits in the outbox until the sweep sends it — once, whoever gets there first (issue 8, faults;
issue 18: one outbox). Mails are counted at a real local SMTP server."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from accounts.models import AccountTeamMember
from core import outbox
from core import tasks as outbox_tasks
from core.models import OutboxMessage
from tests.factories import AccountFactory, ContactFactory
from tests.receivers import free_port
from visits.models import OverlapAlert, Visit
from visits.services import visit_log

pytestmark = pytest.mark.django_db


@pytest.fixture
def contact(manager, teammate):
    account = AccountFactory(name="Haier", owner=manager)
    AccountTeamMember.objects.create(account=account, user=teammate)  # K-05: both serve it
    return ContactFactory(account=account, name="Zhou Min")


@pytest.fixture
def broker_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6390. Connection refused.")
    monkeypatch.setattr(outbox_tasks.outbox_send, "delay", refuse)


def logged_earlier(contact, by, days_ago):
    return visit_log(account=contact.account, by=by, contacts=[contact], channel="on_site",
                     occurred_at=timezone.now() - timedelta(days=days_ago), purpose="Review", summary="Plan.")


def age_outbox(minutes):
    OutboxMessage.objects.update(created_at=timezone.now() - timedelta(minutes=minutes))


def test_a_visit_logged_while_the_broker_is_down_is_saved_and_its_alert_sent_later_once(
        client, manager, teammate, contact, broker_down, django_capture_on_commit_callbacks, smtp_receiver):
    logged_earlier(contact, manager, days_ago=3)
    client.force_login(teammate)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("visits:create"), {
            "account": contact.account_id, "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "channel": "phone", "contacts": [contact.pk], "purpose": "Call", "summary": "Asked about volumes.",
            "customer_replied": "true", "issues-TOTAL_FORMS": "0", "issues-INITIAL_FORMS": "0"})

    assert response.status_code == 302
    assert Visit.objects.filter(author=teammate).count() == 1
    [alert] = OverlapAlert.objects.all()
    [message] = OutboxMessage.objects.all()
    assert message.dedupe_key == f"n:overlap:{alert.visit_id}:{alert.other_visit_id}:{contact.pk}:{manager.pk}:email"
    assert message.sent_at is None and smtp_receiver.messages == []

    assert outbox_tasks.outbox_sweep() == 0  # too fresh: the queued task may still be on its way
    age_outbox(minutes=10)
    assert outbox_tasks.outbox_sweep() == 1
    assert outbox_tasks.outbox_sweep() == 0
    assert outbox_tasks.outbox_send([message.pk]) == 0  # a late delivery of the lost task sends nothing more
    assert smtp_receiver.to() == [manager.email]
    assert smtp_receiver.subjects() == [f"{teammate} also met Zhou Min"]
    assert f"/visits/{alert.visit_id}/" in smtp_receiver.bodies()[0]


def test_a_sent_alert_is_not_sent_again_by_a_redelivered_task_or_the_sweeper(
        manager, teammate, contact, broker_down, smtp_receiver):
    logged_earlier(contact, manager, days_ago=3)
    logged_earlier(contact, teammate, days_ago=0)
    [message] = OutboxMessage.objects.all()

    assert outbox_tasks.outbox_send([message.pk]) == 1
    assert outbox_tasks.outbox_send([message.pk]) == 0  # acks_late: a task may run twice
    age_outbox(minutes=10)
    assert outbox_tasks.outbox_sweep() == 0
    assert len(smtp_receiver.messages) == 1


def test_a_failed_send_is_retried_by_the_sweep(manager, teammate, contact, broker_down, settings, smtp_receiver):
    logged_earlier(contact, manager, days_ago=3)
    logged_earlier(contact, teammate, days_ago=0)
    [message] = OutboxMessage.objects.all()

    port, settings.EMAIL_PORT = settings.EMAIL_PORT, free_port()  # the mail server is down
    assert outbox_tasks.outbox_send([message.pk]) == 0
    settings.EMAIL_PORT = port
    message.refresh_from_db()
    assert message.sent_at is None and message.attempts == 1 and message.last_error
    assert outbox.outbox_sweep(now=timezone.now() + timedelta(minutes=2)) == 1
    assert len(smtp_receiver.messages) == 1


def test_the_manager_reads_the_alert_in_their_own_language(manager, teammate, contact, broker_down, smtp_receiver):
    manager.language = "zh-hans"
    manager.save()
    logged_earlier(contact, manager, days_ago=3)
    logged_earlier(contact, teammate, days_ago=0)
    age_outbox(minutes=10)
    assert outbox_tasks.outbox_sweep() == 1
    [subject] = smtp_receiver.subjects()
    assert "Zhou Min" in subject and "also met" not in subject


def test_queueing_gives_up_on_an_unreachable_redis_within_seconds():
    from django.conf import settings

    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    if not settings.CELERY_BROKER_URL.startswith("redis"):
        pytest.skip("the filesystem broker has no sockets")
    assert options["socket_connect_timeout"] <= 2 and options["socket_timeout"] <= 5
    assert settings.CELERY_TASK_PUBLISH_RETRY_POLICY["max_retries"] <= 2
