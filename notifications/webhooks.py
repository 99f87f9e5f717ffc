"""Outbound webhooks: the apps above announce their changes here, in the transaction of the change,
and each active webhook listening to that kind gets one outbox row (core.outbox) — sent after
commit, signed at send time (core.robots.SIGNED), retried with backoff, a dead letter after the
last try. A change rolled back announces nothing; a change committed is announced exactly once
(a receiver that must never apply one twice keys on the delivery id, sent as X-KAM-Delivery).

    announce("order.created", order)              # the body's "data" is PAYLOADS["accounts.order"](order)
    announce_rows("tier.changed", [{...}, ...])   # a set-based job's rows, already as dicts

The body of an event is what the REST API shows for the row: the api app registers its
serializers here at start (`register_payload`), since notifications sits below the apps whose
rows it carries. Without one, an event carries the row's id.
"""

import uuid

from django.utils import timezone

from core import outbox, request_cache, robots
from notifications.models import Webhook, WebhookEvent

PAYLOADS = {}  # model label ("accounts.order") -> function(row) -> a JSON-safe dict


def register_payload(label, function):
    PAYLOADS[label] = function


def payload_of(row):
    function = PAYLOADS.get(row._meta.label_lower)
    return function(row) if function else {"id": row.pk}


def announce(event, row, *, data=None):
    """`event` is "<kind>.<what happened>", the kind one of WebhookEvent. Returns the outbox ids."""
    hooks = _listening(event)
    if not hooks:  # the usual case: one indexed query, no payload built
        return []
    return _queue(event, hooks, [data if data is not None else payload_of(row)])


def announce_many(event, rows):
    """announce() for many rows of one kind (an import): listeners looked up once, and the rows
    put into words only if someone listens."""
    hooks = _listening(event) if rows else []
    return _queue(event, hooks, [payload_of(row) for row in rows]) if hooks else []


def announce_rows(event, rows):
    """One event per row (dicts), for the jobs that change many rows in one statement."""
    hooks = _listening(event) if rows else []
    return _queue(event, hooks, rows) if hooks else []


CACHE_KEY = "notifications.webhooks"


def active_webhooks():
    """Every active webhook with the kinds it listens to: few rows, read once per request for
    every kind a request announces (core.request_cache, issue 19: a visit with an issue asked twice)."""
    return Webhook.objects.filter(active=True).values("pk", "url", "secret", "events")


def _listening(event):
    kind = event.split(".", 1)[0]
    if kind not in WebhookEvent.values:
        raise ValueError(f"unknown webhook event kind {kind!r}")
    return [(hook["pk"], hook["url"], hook["secret"]) for hook in request_cache.cached(CACHE_KEY, active_webhooks())
            if kind in hook["events"]]


def _queue(event, hooks, rows):
    at = timezone.now().isoformat()
    messages = []
    for data in rows:
        delivery = str(uuid.uuid4())
        body = {"id": delivery, "event": event, "occurred_at": at, "data": data}
        messages += [outbox.webhook(url=url, platform=robots.SIGNED, secret=secret, body=body,
                                    dedupe_key=f"hook:{pk}:{delivery}") for pk, url, secret in hooks]
    return outbox.outbox_queue(messages)
