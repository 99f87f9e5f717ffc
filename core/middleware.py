"""Middleware of our own.

RejectNulMiddleware (every setting): requests carrying a NUL character are refused before
any view sees them. No page of ours has a NUL in its address or its parameters, and
PostgreSQL cannot store one in a text value: a NUL that reached a query would fail there
as a 500. A NUL in the path answers 404 (there is no such page), in a parameter 400.
Uploaded files are not looked at: a binary file is full of NULs.

ProductNotFoundPageMiddleware (local settings only, config/settings/local.py): the
product's 404 page under DEBUG.

SessionMiddleware (every setting): a response must not fail after its commit (issue 15, REL-1);
the idle timeout's sliding expiry is pushed at most once per SESSION_REFRESH_SECONDS (issue 19).
"""

import logging
import time

from django.conf import settings
from django.contrib.sessions.exceptions import SessionInterrupted
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.core.exceptions import SuspiciousOperation
from django.db import DatabaseError
from django.http import Http404
from django.urls import Resolver404, get_resolver, resolve
from django.utils.cache import patch_vary_headers

logger = logging.getLogger(__name__)

NUL = "\x00"

class NulCharacterRejected(SuspiciousOperation):
    pass


class RejectNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if NUL in request.path_info:
            raise Http404
        if _has_nul(request.GET) or (request.method == "POST" and _form_body(request) and _has_nul(request.POST)):
            raise NulCharacterRejected("NUL character in a request parameter")
        return self.get_response(request)


def _form_body(request):
    return request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data")


def _has_nul(params):
    return any(NUL in key or any(NUL in value for value in values) for key, values in params.lists())


class ProductNotFoundPageMiddleware:
    """Under DEBUG, Django answers a missing page with its technical 404, which lists every URL
    pattern; `make run` is where newcomers try the product, so they get the product's 404 page
    instead (DJANGO_DEBUG_ERROR_PAGES=true brings Django's back). A 403 and a CSRF failure already
    show the product's pages under DEBUG; a 500 keeps Django's traceback, a bug for the developer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # An unknown path fails in URL resolution, before any middleware's process_exception.
        try:
            resolve(request.path_info, getattr(request, "urlconf", None))
        except Resolver404 as exc:
            return self._not_found(request, exc)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, Http404):  # get_object_or_404 and friends in a view
            return self._not_found(request, exception)
        return None

    def _not_found(self, request, exception):
        return get_resolver(getattr(request, "urlconf", None)).resolve_error_handler(404)(request, exception)


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's, except that a session that was only refreshed (SESSION_SAVE_EVERY_REQUEST, the
    idle timeout's sliding window) and cannot be saved because the database went away does not
    turn the answer into a 500. The view has committed by then: a visit saved and answered with
    an error invites logging it twice. The refresh is simply skipped once; the browser keeps its
    cookie. A session that changed (a login, a logout) must be saved, or the error stands.

    The database backend reports a failed update as SessionInterrupted (a 400, meant for a
    session deleted meanwhile, e.g. a logout in another tab): for a mere refresh that is no
    reason to hide the answer either.

    The sliding window is pushed at most once per SESSION_REFRESH_SECONDS, not on every request
    (Django's SESSION_SAVE_EVERY_REQUEST): that save was three statements on every page (savepoint,
    UPDATE, release) — a tenth of a page's queries — for a timeout that needs minutes, not
    milliseconds. A session so expires between SESSION_COOKIE_AGE − SESSION_REFRESH_SECONDS and
    SESSION_COOKIE_AGE after the last request."""

    REFRESHED = "_refreshed_at"  # epoch seconds of the last push, kept in the session itself

    def process_response(self, request, response):
        session = getattr(request, "session", None)
        refresh_only = session is not None and self._refresh_due(session)
        try:
            return super().process_response(request, response)
        except (DatabaseError, SessionInterrupted):
            if session is None or not refresh_only:
                raise
            logger.warning("session refresh not saved (database unavailable); answering anyway", exc_info=True)
            patch_vary_headers(response, ("Cookie",))
            return response

    def _refresh_due(self, session):
        """Marks a loaded, unchanged session for saving when its last push is old enough; true
        when it did (the save is then a mere refresh). An untouched session (no cookie, a static
        file) is not loaded for this."""
        if session.modified or not session.accessed or session.is_empty():
            return False
        now = int(time.time())
        if now - session.get(self.REFRESHED, 0) < settings.SESSION_REFRESH_SECONDS:
            return False
        session[self.REFRESHED] = now
        return True
