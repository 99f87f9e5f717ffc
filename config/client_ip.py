"""The client's address for the login lockout (django-axes' AXES_CLIENT_IP_CALLABLE).

Behind the TLS proxy of README "Production" every request comes from the proxy's address: a
lockout per (username, address) would then lock the username for everyone, and anyone could
lock anyone out. The proxy appends the address it was connected from to X-Forwarded-For."""

import ipaddress

from django.conf import settings


def client_ip(request):
    """With TRUSTED_PROXY_COUNT (env AXES_PROXY_COUNT) proxies in front, each appending to
    X-Forwarded-For, the client is that many places from the right: the entries further left
    came from the client itself and can say anything. With no proxy (0) the header is ignored, for the same reason."""
    count = settings.TRUSTED_PROXY_COUNT
    if count:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= count and _is_address(hops[-count]):
            return hops[-count]
    return request.META.get("REMOTE_ADDR")


def _is_address(text):
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False  # not from a proxy of ours; stored as inet it would be an error
    return True
