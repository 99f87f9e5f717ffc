"""Errors as JSON, each where it belongs: a service's ValidationError ({"field": ["…"]}) is a 400
naming the field, as a form would show it at the field; PermissionDenied a 403; out of scope 404."""

from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler


def api_exception_handler(exc, context):
    if isinstance(exc, ValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, DataError):  # a value the database cannot hold that no validator caught
        exc = exceptions.ValidationError({"non_field_errors": [_("A value is out of range.")]})
    elif isinstance(exc, IntegrityError):  # a concurrent request made the same row first
        return Response({"detail": _("This conflicts with a change made at the same moment; send it again.")},
                        status=status.HTTP_409_CONFLICT)
    return exception_handler(exc, context)


# --- What Django answers before (or outside) the API's views: a NUL refused by core.middleware,
# an address no route matches, a CSRF failure. Under /api/ that is JSON too (config/urls.py).

def _is_api(request):
    return request.path_info.startswith("/api/") and not request.path_info.startswith("/api/docs/")


def _json_or_page(status_code, detail, page):
    def handler(request, *args, **kwargs):
        if _is_api(request):
            return JsonResponse({"detail": str(detail)}, status=status_code)
        return page(request, *args, **kwargs)
    return handler


bad_request = _json_or_page(400, gettext_lazy("Bad request."), defaults.bad_request)
permission_denied = _json_or_page(403, gettext_lazy("You do not have permission to do this."),
                                  defaults.permission_denied)
page_not_found = _json_or_page(404, gettext_lazy("Not found."), defaults.page_not_found)
server_error = _json_or_page(500, gettext_lazy("Server error."), defaults.server_error)
