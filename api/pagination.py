from django.core.exceptions import ValidationError
from django.db import DataError
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination


class ApiCursorPagination(CursorPagination):
    """?cursor= from the previous page's `next`: stable while rows are added (no page drifts),
    and as fast on the thousandth page as on the first (no OFFSET)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def paginate_queryset(self, queryset, request, view=None):
        try:
            return super().paginate_queryset(queryset, request, view)
        except (ValueError, TypeError, ValidationError, DataError):
            # A cursor that decodes but names a position of the wrong type (a forged or stale one).
            raise NotFound(self.invalid_cursor_message) from None
