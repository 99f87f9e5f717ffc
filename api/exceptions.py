"""Errors as JSON, each where it belongs: a service's ValidationError ({"field": ["…"]}) is a 400
naming the field, as a form would show it at the field; PermissionDenied a 403; out of scope 404."""

from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError
from django.utils.translation import gettext as _
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
