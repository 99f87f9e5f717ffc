"""Requests carrying a NUL character are refused before any view sees them.

No page of ours has a NUL in its address or its parameters, and PostgreSQL cannot
store one in a text value: a NUL that reached a query would fail there as a 500.
A NUL in the path answers 404 (there is no such page), in a parameter 400.
Uploaded files are not looked at: a binary file is full of NULs.
"""

from django.core.exceptions import SuspiciousOperation
from django.http import Http404

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
