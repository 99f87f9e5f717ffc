"""Middleware of the local settings only (config/settings/local.py)."""

from django.http import Http404
from django.urls import Resolver404, get_resolver, resolve


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
