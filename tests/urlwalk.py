"""Every route of the URLconf, for the sweeps that must not miss a page."""

from django.urls import URLPattern, URLResolver, get_resolver


def routes(patterns=None, prefix="", namespace=None):
    """(route text, URLPattern, namespace) for every route, nested includes followed."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from routes(pattern.url_patterns, prefix + str(pattern.pattern), pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern, namespace
