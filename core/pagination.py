"""Paging a list that may be huge (issue 19): an admin's contact list is a million rows, and an
exact COUNT(*) of them costs more than the page itself (~200 ms on the 100k set).

CappedPaginator counts at most COUNT_CAP + 1 rows (without ordering, so PostgreSQL stops as soon
as it has them); beyond the cap the list says "more than 10,000" and pages through the first
10,000, which is all anyone reads before searching instead. `?count=exact` asks for the real
count, for the rare person who needs it.
"""

from functools import cached_property

from django.core.paginator import Paginator

COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    def __init__(self, object_list, per_page, *, exact=False, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.exact = exact
        self.capped = False

    @cached_property
    def count(self):
        if self.exact or not hasattr(self.object_list, "values"):
            return super().count
        seen = self.object_list.order_by().values("pk")[:COUNT_CAP + 1].count()
        self.capped = seen > COUNT_CAP
        return min(seen, COUNT_CAP)



def wants_exact_count(request):
    return request.GET.get("count") == "exact"


def paginator_for(request, object_list, per_page):
    return CappedPaginator(object_list, per_page, exact=wants_exact_count(request))


class CappedPaginationMixin:
    """For a ListView (or FilterView): its pages counted by CappedPaginator."""

    paginator_class = CappedPaginator

    def get_paginator(self, queryset, per_page, **kwargs):
        return super().get_paginator(queryset, per_page, exact=wants_exact_count(self.request), **kwargs)
