"""K-24 alerts survive a broker outage: the visit is saved and the page answers; the alert waits,
unsent, until the sweeper job sends it — once, whoever gets there first (issue 8, faults)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from accounts.models import AccountTeamMember
from tests.factories import AccountFactory, ContactFactory
from visits import tasks
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
    monkeypatch.setattr(tasks.overlap_notify, "delay", refuse)


def logged_earlier(contact, by, days_ago):
    return visit_log(account=contact.account, by=by, contacts=[contact], channel="on_site",
                     occurred_at=timezone.now() - timedelta(days=days_ago), purpose="Review", summary="Plan.")


def age(alert, minutes):
    OverlapAlert.objects.filter(pk=alert.pk).update(created_at=timezone.now() - timedelta(minutes=minutes))


def test_a_visit_logged_while_the_broker_is_down_is_saved_and_its_alert_sent_later_once(
        client, manager, teammate, contact, broker_down, django_capture_on_commit_callbacks, mailoutbox):
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
    assert alert.notified_at is None and mailoutbox == []

    assert tasks.overlap_notify_sweep() == 0  # too fresh: the queued task may still be on its way
    age(alert, minutes=10)
    assert tasks.overlap_notify_sweep() == 1
    assert tasks.overlap_notify_sweep() == 0
    assert tasks.overlap_notify(alert.visit_id) == 0  # a late delivery of the lost task sends nothing more
    [mail] = mailoutbox
    assert mail.to == [manager.email]
    alert.refresh_from_db()
    assert alert.notified_at is not None


def test_a_sent_alert_is_not_sent_again_by_a_redelivered_task_or_the_sweeper(
        manager, teammate, contact, broker_down, mailoutbox):
    logged_earlier(contact, manager, days_ago=3)
    theirs = logged_earlier(contact, teammate, days_ago=0)
    [alert] = OverlapAlert.objects.all()

    assert tasks.overlap_notify(theirs.pk) == 1
    assert tasks.overlap_notify(theirs.pk) == 0  # acks_late: a task may run twice
    age(alert, minutes=10)
    assert tasks.overlap_notify_sweep() == 0
    assert len(mailoutbox) == 1


def test_a_failed_send_leaves_the_alert_for_the_next_sweep(manager, teammate, contact, broker_down, monkeypatch,
                                                           mailoutbox):
    logged_earlier(contact, manager, days_ago=3)
    theirs = logged_earlier(contact, teammate, days_ago=0)

    def smtp_down(*args, **kwargs):
        raise ConnectionRefusedError("smtp")
    monkeypatch.setattr(tasks, "send_mail", smtp_down)
    with pytest.raises(ConnectionRefusedError):
        tasks.overlap_notify(theirs.pk)
    monkeypatch.undo()

    [alert] = OverlapAlert.objects.all()
    assert alert.notified_at is None
    age(alert, minutes=10)
    assert tasks.overlap_notify_sweep() == 1
    assert len(mailoutbox) == 1


def test_alerts_older_than_the_overlap_window_are_not_news(manager, teammate, contact, broker_down, settings,
                                                           mailoutbox):
    logged_earlier(contact, manager, days_ago=3)
    logged_earlier(contact, teammate, days_ago=0)
    [alert] = OverlapAlert.objects.all()
    age(alert, minutes=(settings.VISITS_OVERLAP_DAYS + 1) * 24 * 60)

    assert tasks.overlap_notify_sweep() == 0
    assert mailoutbox == []


def test_queueing_gives_up_on_an_unreachable_redis_within_seconds():
    from django.conf import settings

    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    if not settings.CELERY_BROKER_URL.startswith("redis"):
        pytest.skip("the filesystem broker has no sockets")
    assert options["socket_connect_timeout"] <= 2 and options["socket_timeout"] <= 5
    assert settings.CELERY_TASK_PUBLISH_RETRY_POLICY["max_retries"] <= 2
