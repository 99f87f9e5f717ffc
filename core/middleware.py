"""A response must not fail after its commit (issue 15, REL-1 of docs/RELIABILITY.md)."""

import logging

from django.contrib.sessions.exceptions import SessionInterrupted
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.db import DatabaseError
from django.utils.cache import patch_vary_headers

logger = logging.getLogger(__name__)


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's, except that a session that was only refreshed (SESSION_SAVE_EVERY_REQUEST, the
    idle timeout's sliding window) and cannot be saved because the database went away does not
    turn the answer into a 500. The view has committed by then: a visit saved and answered with
    an error invites logging it twice. The refresh is simply skipped once; the browser keeps its
    cookie. A session that changed (a login, a logout) must be saved, or the error stands.

    The database backend reports a failed update as SessionInterrupted (a 400, meant for a
    session deleted meanwhile, e.g. a logout in another tab): for a mere refresh that is no
    reason to hide the answer either."""

    def process_response(self, request, response):
        try:
            return super().process_response(request, response)
        except (DatabaseError, SessionInterrupted):
            session = getattr(request, "session", None)
            if session is None or session.modified:
                raise
            logger.warning("session refresh not saved (database unavailable); answering anyway", exc_info=True)
            patch_vary_headers(response, ("Cookie",))
            return response
