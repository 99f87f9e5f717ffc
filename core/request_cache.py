"""Small tables a request may read more than once, read once per request (issue 19).

A visit POST asks which webhooks listen to visits and, for its issue, which listen to issues, and
the issue's deadline rule: each an indexed lookup, each a round trip. Inside a request,
`cached(key, queryset)` reads the rows once and keeps them as a list until the response is
made; `prime(...)` reads several such tables in one statement (core.batch) when the caller
knows it will need them. Nothing is kept across requests, so another process's change is seen
by the next request with no invalidation to get right; a change this request makes itself
(the model's save or delete) drops the key (`forget_on_change`). Outside a request (a Celery
task, the shell) every call reads, as before.
"""

import contextvars

from django.db.models.signals import post_delete, post_save

from core.batch import fetch_together

_rows = contextvars.ContextVar("request_cache", default=None)


class RequestCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _rows.set({})
        try:
            return self.get_response(request)
        finally:
            _rows.reset(token)


def cached(key, queryset):
    """The rows of `queryset` as a list, read at most once in this request."""
    store = _rows.get()
    if store is None:
        return list(queryset)
    if key not in store:
        store[key] = list(queryset)
    return store[key]


def prime(**querysets):
    """Read every queryset not yet cached in this request, all in one statement."""
    store = _rows.get()
    if store is None:
        return
    missing = {key: queryset for key, queryset in querysets.items() if key not in store}
    if len(missing) > 1:
        store.update(fetch_together(**missing))


def forget(key):
    store = _rows.get()
    if store is not None:
        store.pop(key, None)


def forget_on_change(model, key):
    """Drop `key` whenever this process saves or deletes a `model` row (an admin's edit, then the
    page that shows it, in one request)."""
    def receiver(**_kwargs):
        forget(key)

    post_save.connect(receiver, sender=model, weak=False, dispatch_uid=f"request_cache:{key}:save")
    post_delete.connect(receiver, sender=model, weak=False, dispatch_uid=f"request_cache:{key}:delete")
