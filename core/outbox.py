"""One outbox for everything the system sends: e-mails and webhook calls.

A message is a row written in the transaction of the change it reports (so it exists exactly
when the change does), and a task queued after commit sends it. Sending is claim-then-send:
a conditional UPDATE takes the row before anything leaves, so the queued task, a redelivered
copy and the sweep never both send it, and no transaction stays open around SMTP or HTTP.
A failed send hands the claim back with a later `next_attempt_at` (backoff); after
MAX_ATTEMPTS the row is a dead letter, kept for the admin to read and retry.

The one window left is a worker that dies after the receiver took the message and before the
row is marked sent: after STALE_CLAIM the sweep sends it again. E-mails carry a Message-ID
made from the row, so a mail client shows such a repeat once.
"""

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from core.models import OutboxMessage

logger = logging.getLogger(__name__)

# Waits after the 1st, 2nd, … failed attempt; the last one repeats until MAX_ATTEMPTS.
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2),
           timedelta(hours=6))
MAX_ATTEMPTS = 6
# A claim older than this belongs to a worker that died mid-send; longer than any send may take
# (SMTP_TIMEOUT, core.robots.TIMEOUT) so a slow live send is never taken over.
STALE_CLAIM = timedelta(minutes=10)
# Rows younger than this are left to the task queued with them.
SWEEP_GRACE = timedelta(minutes=1)
SWEEP_BATCH = 500
SMTP_TIMEOUT = 30
SEND_CHUNK = 200  # ids per queued task


@dataclass(frozen=True)
class Outgoing:
    channel: str
    recipient: str
    payload: dict
    dedupe_key: str
    not_before: datetime | None = None  # held until then (the reader's quiet hours)


def email(*, to, subject, body, dedupe_key, html=None, not_before=None):
    """An e-mail to queue; subject and body already in the reader's language."""
    payload = {"subject": subject, "body": body}
    if html:
        payload["html"] = html
    return Outgoing(OutboxMessage.Channel.EMAIL, to, payload, dedupe_key, not_before)


def webhook(*, url, platform, body, dedupe_key, secret="", not_before=None):
    """A webhook call to queue: `body` is the platform's JSON; core.robots signs it at send time."""
    return Outgoing(OutboxMessage.Channel.WEBHOOK, url, {"platform": platform, "json": body, "secret": secret},
                    dedupe_key, not_before)


INSERT_SQL = """
INSERT INTO core_outboxmessage (channel, recipient, payload, dedupe_key, attempts, created_at, next_attempt_at,
                                last_error, dead)
SELECT m.channel, m.recipient, m.payload::jsonb, m.dedupe_key, 0, %s, coalesce(m.not_before, %s), '', FALSE
FROM unnest(%s::text[], %s::text[], %s::text[], %s::text[], %s::timestamptz[])
     AS m(channel, recipient, payload, dedupe_key, not_before)
ON CONFLICT ON CONSTRAINT outbox_dedupe_key_unique DO NOTHING
RETURNING id
"""


def outbox_queue(messages):
    """Queue messages in the caller's transaction; one already queued under its dedupe key is
    skipped. Their sending is enqueued after commit (robust: a broker outage must not undo the
    caller's change; the sweep sends what was never enqueued). Returns the new rows' ids."""
    messages = [m for m in messages if m.recipient]
    if not messages:
        return []
    columns = ([m.channel for m in messages], [m.recipient for m in messages],
               [json.dumps(m.payload) for m in messages], [m.dedupe_key for m in messages],
               [m.not_before for m in messages])
    # The worker's clock, not the database's: claims and sweeps compare with timezone.now().
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(INSERT_SQL, (now, now, *columns))
        ids = [row[0] for row in cursor.fetchall()]
    for start in range(0, len(ids), SEND_CHUNK):
        chunk = ids[start:start + SEND_CHUNK]
        transaction.on_commit(lambda chunk=chunk: _enqueue(chunk), robust=True)
    return ids


def _enqueue(ids):
    from core.tasks import outbox_send

    outbox_send.delay(ids)


# --- Sending ---------------------------------------------------------------------------------------

def outbox_send(message_id, *, now=None):
    """Send one row at most once; True if this call sent it."""
    now = now or timezone.now()
    claimed = (OutboxMessage.objects.unsent()
               .filter(pk=message_id, next_attempt_at__lte=now)
               .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - STALE_CLAIM))
               .update(claimed_at=now, attempts=F("attempts") + 1))
    if not claimed:
        return False
    message = OutboxMessage.objects.get(pk=message_id)
    try:
        SENDERS[message.channel](message)
    except Exception as error:  # noqa: BLE001 - any failure is the receiver's, recorded and retried
        _failed(message, error)
        return False
    OutboxMessage.objects.filter(pk=message_id).update(sent_at=timezone.now(), last_error="")
    return True


def _failed(message, error):
    dead = message.attempts >= MAX_ATTEMPTS
    wait = BACKOFF[min(message.attempts, len(BACKOFF)) - 1]
    logger.warning("outbox %s attempt %s failed%s: %s", message.pk, message.attempts,
                   " (dead letter)" if dead else "", error)
    OutboxMessage.objects.filter(pk=message.pk).update(
        claimed_at=None, dead=dead, last_error=f"{type(error).__name__}: {error}"[:2000],
        next_attempt_at=timezone.now() + wait)


def outbox_sweep(*, now=None):
    """Send what is due and not sent: lost broker messages, failed attempts whose wait is over,
    and claims of dead workers. Returns the number sent."""
    now = now or timezone.now()
    due = (OutboxMessage.objects.unsent().filter(next_attempt_at__lte=now)
           .filter(Q(attempts__gt=0) | Q(created_at__lt=now - SWEEP_GRACE))
           .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - STALE_CLAIM))
           .order_by("next_attempt_at").values_list("pk", flat=True)[:SWEEP_BATCH])
    return sum(outbox_send(pk, now=now) for pk in list(due))


@transaction.atomic
def outbox_retry(*, message, by):
    """An admin sends a dead letter again: its attempts start over."""
    OutboxMessage.objects.filter(pk=message.pk, sent_at__isnull=True).update(
        dead=False, attempts=0, claimed_at=None, next_attempt_at=timezone.now())
    transaction.on_commit(lambda: _enqueue([message.pk]), robust=True)


@transaction.atomic
def outbox_retry_dead(*, by):
    """Every dead letter again (the receiver mended): their attempts start over."""
    ids = list(OutboxMessage.objects.dead_letters().select_for_update().values_list("pk", flat=True))
    OutboxMessage.objects.filter(pk__in=ids).update(
        dead=False, attempts=0, claimed_at=None, next_attempt_at=timezone.now())
    for start in range(0, len(ids), SEND_CHUNK):
        chunk = ids[start:start + SEND_CHUNK]
        transaction.on_commit(lambda chunk=chunk: _enqueue(chunk), robust=True)
    return len(ids)


def _send_email(message):
    payload = message.payload
    mail = EmailMultiAlternatives(
        payload["subject"], payload["body"], settings.DEFAULT_FROM_EMAIL, [message.recipient],
        headers={"Message-ID": f"<outbox-{message.pk}@{urlsplit(settings.SITE_URL).hostname or 'localhost'}>"},
        connection=get_connection(timeout=SMTP_TIMEOUT))
    if payload.get("html"):
        mail.attach_alternative(payload["html"], "text/html")
    mail.send()


def _send_webhook(message):
    from core import robots

    robots.post(message.recipient, message.payload)


SENDERS = {OutboxMessage.Channel.EMAIL: _send_email, OutboxMessage.Channel.WEBHOOK: _send_webhook}
