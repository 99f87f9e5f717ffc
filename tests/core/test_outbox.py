"""The outbox (issue 18): a message is a row written with the change it reports, sent at most once
by claim-then-send, retried with backoff, swept when its task was lost, a dead letter after
MAX_ATTEMPTS. Every count is taken at a real local SMTP server."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from core import outbox, tasks
from core.models import OutboxMessage
from tests.receivers import free_port

pytestmark = pytest.mark.django_db


def queue(key="event:1", to="li@example.com", subject="Hello", body="Body."):
    return outbox.outbox_queue([outbox.email(to=to, subject=subject, body=body, dedupe_key=key)])


def later(minutes):
    return timezone.now() + timedelta(minutes=minutes)


def age(minutes, **filters):
    OutboxMessage.objects.filter(**filters).update(created_at=timezone.now() - timedelta(minutes=minutes))


@pytest.fixture
def broker_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6390. Connection refused.")
    monkeypatch.setattr(tasks.outbox_send, "delay", refuse)


def test_a_message_queued_in_a_transaction_is_sent_after_commit_once_however_often_its_task_runs(
        smtp_receiver, django_capture_on_commit_callbacks, monkeypatch):
    enqueued = []
    monkeypatch.setattr(tasks.outbox_send, "delay", enqueued.append)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        [pk] = queue(subject="Zhou Min's birthday", body="Call her.")
        assert enqueued == []  # nothing leaves before the commit

    assert enqueued == [[pk]]
    assert tasks.outbox_send([pk]) == 1
    assert tasks.outbox_send([pk]) == 0  # acks_late: a redelivered task
    assert outbox.outbox_sweep(now=later(60)) == 0
    assert smtp_receiver.subjects() == ["Zhou Min's birthday"]
    assert smtp_receiver.to() == ["li@example.com"]
    assert smtp_receiver.bodies() == ["Call her."]
    message = OutboxMessage.objects.get()
    assert (message.attempts, message.last_error, message.dead) == (1, "", False)
    assert message.sent_at and message.claimed_at
    assert smtp_receiver.messages[0]["Message-ID"] == f"<outbox-{pk}@127.0.0.1>"


def test_an_event_queued_twice_is_one_message(smtp_receiver):
    assert len(queue(key="overlap:1:2:3")) == 1
    assert queue(key="overlap:1:2:3") == []
    assert OutboxMessage.objects.count() == 1


def test_a_rolled_back_change_leaves_no_message(smtp_receiver, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        with transaction.atomic():
            queue()
            raise RuntimeError("the business change failed")
    assert callbacks == [] and not OutboxMessage.objects.exists()
    assert outbox.outbox_sweep(now=later(60)) == 0 and smtp_receiver.messages == []


def test_a_message_whose_task_was_lost_with_the_broker_is_sent_by_the_sweep_once(
        smtp_receiver, broker_down, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        [pk] = queue()  # on_commit(robust=True): the refusal is logged, the caller's change stands

    assert outbox.outbox_sweep() == 0  # too fresh: its queued task may still be on its way
    age(minutes=2)
    assert outbox.outbox_sweep() == 1
    assert outbox.outbox_sweep() == 0
    assert tasks.outbox_send([pk]) == 0  # a late delivery of the lost task sends nothing more
    assert len(smtp_receiver.messages) == 1


def test_a_failed_send_waits_its_backoff_and_is_then_sent_by_the_sweep(smtp_receiver, settings):
    [pk] = queue()
    port, settings.EMAIL_PORT = settings.EMAIL_PORT, free_port()  # the mail server is down
    assert tasks.outbox_send([pk]) == 0
    message = OutboxMessage.objects.get()
    assert message.attempts == 1 and message.claimed_at is None and not message.dead
    assert "Connection refused" in message.last_error or "ConnectionRefusedError" in message.last_error
    assert message.next_attempt_at > timezone.now() + timedelta(seconds=50)

    settings.EMAIL_PORT = port  # back up
    assert tasks.outbox_send([pk]) == 0  # a redelivered task does not jump the backoff
    assert outbox.outbox_sweep() == 0
    assert outbox.outbox_sweep(now=later(2)) == 1
    assert outbox.outbox_sweep(now=later(60)) == 0
    assert len(smtp_receiver.messages) == 1
    message.refresh_from_db()
    assert (message.attempts, message.last_error) == (2, "")


def test_after_max_attempts_a_message_is_a_dead_letter_until_an_admin_retries_it(
        smtp_receiver, settings, admin, django_capture_on_commit_callbacks, monkeypatch):
    [pk] = queue()
    port, settings.EMAIL_PORT = settings.EMAIL_PORT, free_port()
    waits, moment = [], timezone.now()
    for _attempt in range(outbox.MAX_ATTEMPTS):
        assert outbox.outbox_send(pk, now=moment) is False
        message = OutboxMessage.objects.get()
        waits.append(message.next_attempt_at - timezone.now())
        moment = message.next_attempt_at + timedelta(seconds=1)
    assert message.dead and message.attempts == outbox.MAX_ATTEMPTS
    assert [round(w.total_seconds() / 60) for w in waits[:5]] == [1, 5, 30, 120, 360]  # growing waits
    settings.EMAIL_PORT = port
    assert outbox.outbox_sweep(now=later(60 * 24 * 30)) == 0  # the dead are not swept
    assert smtp_receiver.messages == []

    monkeypatch.setattr(tasks.outbox_send, "delay", lambda ids: tasks.outbox_send(ids))
    with django_capture_on_commit_callbacks(execute=True):
        outbox.outbox_retry(message=message, by=admin)
    message.refresh_from_db()
    assert message.sent_at and not message.dead and message.attempts == 1
    assert len(smtp_receiver.messages) == 1


def test_a_claim_left_by_a_dead_worker_is_taken_over_only_once_stale(smtp_receiver):
    [pk] = queue()
    age(minutes=30)
    OutboxMessage.objects.filter(pk=pk).update(claimed_at=timezone.now() - timedelta(minutes=1), attempts=1)
    assert outbox.outbox_sweep() == 0  # a live worker may be mid-send
    OutboxMessage.objects.filter(pk=pk).update(claimed_at=timezone.now() - outbox.STALE_CLAIM - timedelta(seconds=1))
    assert outbox.outbox_sweep() == 1
    assert outbox.outbox_sweep(now=later(60)) == 0
    assert len(smtp_receiver.messages) == 1


def test_a_message_to_nobody_is_not_queued(smtp_receiver):
    assert outbox.outbox_queue([outbox.email(to="", subject="s", body="b", dedupe_key="k")]) == []
    assert not OutboxMessage.objects.exists()


def test_a_sent_row_must_have_been_claimed():
    from django.db import IntegrityError

    [pk] = queue()
    with pytest.raises(IntegrityError), transaction.atomic():
        OutboxMessage.objects.filter(pk=pk).update(sent_at=timezone.now())


@pytest.mark.django_db(transaction=True)
def test_workers_racing_for_one_message_send_it_once(smtp_receiver):
    [pk] = queue()
    results, start = [], threading.Barrier(4)

    def worker():
        start.wait()
        try:
            results.append(outbox.outbox_send(pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert sorted(results) == [False, False, False, True]
    assert len(smtp_receiver.messages) == 1
