from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from api.models import AccessToken


class PerTokenThrottle(SimpleRateThrottle):
    """API_THROTTLE_RATE requests per token (each of a person's tokens counts on its own, so a
    runaway sync does not lock out their other integrations); a browser session per user."""

    scope = "api"

    def get_rate(self):
        return settings.API_THROTTLE_RATE

    def get_cache_key(self, request, view):
        if isinstance(request.auth, AccessToken):
            ident = f"token:{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            ident = f"ip:{self.get_ident(request)}"
        return f"throttle:api:{ident}"
