"""Reads that may come from a PostgreSQL streaming replica (issue 19, the scale-out path).

With DATABASE_REPLICA_URL set, the pages that only summarise — dashboards, reports, exports
(settings.REPLICA_READS) — read from the replica, so that the primary keeps its time for the
writes and the pages people work in. Everything else, every write and every read inside a
write (select_for_update), stays on the primary.

A replica lags by a little. Someone who just changed something must see it, so for
REPLICA_STICKY_SECONDS after a request of theirs that may have written (any unsafe method)
their reads stay on the primary too (a cookie says so; nothing is stored). A replica that
cannot be reached sends the page to the primary, and the replica is left alone for
REPLICA_RETRY_SECONDS.
"""

import contextvars
import logging
import time

from django.conf import settings
from django.db import InterfaceError, OperationalError

logger = logging.getLogger(__name__)

REPLICA = "replica"
STICKY_COOKIE = "kam_primary"
SAFE_METHODS = {"GET", "HEAD"}
EXPORT_FORMATS = {"csv", "xlsx"}

_reading_from_replica = contextvars.ContextVar("reading_from_replica", default=False)
_replica_failed_at = None  # per process: when the replica last could not be reached


def replica_configured():
    return REPLICA in settings.DATABASES


def _replica_resting():
    return _replica_failed_at is not None and time.monotonic() - _replica_failed_at < settings.REPLICA_RETRY_SECONDS


class ReplicaRouter:
    """Reads go to the replica only inside a request the middleware marked; writes never."""

    def db_for_read(self, model, **hints):
        return REPLICA if _reading_from_replica.get() else "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, two copies of it

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"  # a replica is read-only: it gets its schema by replication


def reads_from_replica(request):
    """Whether this request's reads may come from the replica (the rule, in one place)."""
    if request.method not in SAFE_METHODS or STICKY_COOKIE in request.COOKIES:
        return False
    if request.GET.get("format") in EXPORT_FORMATS:
        return True
    match = request.resolver_match
    if match is None:
        return False
    return match.view_name in settings.REPLICA_READS or f"{match.namespace}:*" in settings.REPLICA_READS


def _from_replica(chunks):
    """Each chunk of a streamed response made with its reads on the replica."""
    iterator = iter(chunks)
    while True:
        token = _reading_from_replica.set(True)
        try:
            chunk = next(iterator)
        except StopIteration:
            return
        finally:
            _reading_from_replica.reset(token)
        yield chunk


class ReplicaMiddleware:
    """Marks the requests that read from the replica, and keeps a writer on the primary a while."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            response = self.get_response(request)
        finally:
            token = getattr(request, "_replica_token", None)
            if token is not None:
                _reading_from_replica.reset(token)
        if token is not None and response.streaming:
            # A streamed export runs its queries while the server sends it, after this returns.
            response.streaming_content = _from_replica(response.streaming_content)
        if request.method not in SAFE_METHODS and replica_configured():
            response.set_cookie(STICKY_COOKIE, "1", max_age=settings.REPLICA_STICKY_SECONDS, httponly=True,
                                samesite="Lax", secure=request.is_secure())
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not replica_configured() or _replica_resting() or not reads_from_replica(request):
            return None
        # The session and the user are read now, on the primary: a login a moment ago may not
        # have reached the replica yet.
        request.user.is_authenticated  # noqa: B018 - evaluated for its effect
        request._replica_token = _reading_from_replica.set(True)
        request._replica_view = (view_func, view_args, view_kwargs)
        return None

    def process_exception(self, request, exception):
        """The replica cannot be reached: the same read-only page again, from the primary."""
        global _replica_failed_at
        if getattr(request, "_replica_token", None) is None or not isinstance(exception, (OperationalError,
                                                                                            InterfaceError)):
            return None
        logger.warning("replica unreachable, reading from the primary for %s s: %s",
                       settings.REPLICA_RETRY_SECONDS, exception)
        _replica_failed_at = time.monotonic()
        _reading_from_replica.reset(request._replica_token)
        request._replica_token = None
        view_func, args, kwargs = request._replica_view
        response = view_func(request, *args, **kwargs)
        return response.render() if hasattr(response, "render") and not response.is_rendered else response
