"""Counting requests per key in Django's cache: a fixed window from the first request.

With several web processes the cache must be shared (DJANGO_CACHE_URL, Redis in
production); the per-process default of development counts each process alone.
"""

import hashlib
import logging

from django.core.cache import cache

logger = logging.getLogger(__name__)


def over_limit(scope, value, *, limit, window_seconds):
    """Count one request for `value` (an address, an e-mail) and say whether it is
    beyond `limit` in the window. The value is hashed: no e-mail address in the cache."""
    key = f"ratelimit:{scope}:{hashlib.sha256(value.encode()).hexdigest()}"
    try:
        cache.add(key, 0, timeout=window_seconds)
        try:
            count = cache.incr(key)
        except ValueError:  # the window ended between add() and incr()
            cache.set(key, 1, timeout=window_seconds)
            count = 1
    except Exception:  # an unreachable cache must not lock everyone out of their password
        logger.exception("rate limit %s: cache unreachable, request let through", scope)
        return False
    return count > limit
