"""Query-string filters of the API's lists: ?status=active&owner=3. A value that is not one
answers 400 naming the parameter, never a 500 and never silently everything."""

import django_filters
from django import forms

from accounts.models import Account, Order
from care.models import CareTask
from contacts.models import BuyerRole, Contact
from visits.models import CustomerIssue, Visit


class IdFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


def by_id(field):
    """An id filter that does not look the row up: an id out of the caller's scope filters to
    nothing, exactly like one that does not exist (no 400 that would tell them apart)."""
    return IdFilter(field_name=f"{field}_id", label=f"{field} id")


class AccountFilter(django_filters.FilterSet):
    owner = by_id("owner")
    parent = by_id("parent")
    q = django_filters.CharFilter(method="search", max_length=100, label="Part of the name")
    archived = django_filters.BooleanFilter(method="archived_filter", label="Archived accounts instead of live ones")

    class Meta:
        model = Account
        fields = ["status", "kind", "owner", "parent"]

    def search(self, queryset, name, value):
        return queryset.search(value, reader=getattr(self.request, "user", None))

    def archived_filter(self, queryset, name, value):
        return queryset.filter(archived_at__isnull=not value)

    def filter_queryset(self, queryset):
        # Archived accounts stay out unless asked for, as on the account list.
        if self.form.cleaned_data.get("archived") is None:
            queryset = queryset.filter(archived_at__isnull=True)
        return super().filter_queryset(queryset)


class ContactFilter(django_filters.FilterSet):
    account = by_id("account")
    q = django_filters.CharFilter(method="search", max_length=100, label="Part of the name")

    class Meta:
        model = Contact
        fields = ["account", "status"]

    def search(self, queryset, name, value):
        return queryset.search(value, reader=getattr(self.request, "user", None))


class BuyerRoleFilter(django_filters.FilterSet):
    account = by_id("account")
    contact = by_id("contact")
    class Meta:
        model = BuyerRole
        fields = ["account", "contact", "role"]


class OrderFilter(django_filters.FilterSet):
    account = by_id("account")
    signed_after = django_filters.DateFilter(field_name="signed_on", lookup_expr="gte")
    signed_before = django_filters.DateFilter(field_name="signed_on", lookup_expr="lte")

    class Meta:
        model = Order
        fields = ["account", "external_id", "reference"]


class VisitFilter(django_filters.FilterSet):
    account = by_id("account")
    author = by_id("author")
    occurred_after = django_filters.IsoDateTimeFilter(field_name="occurred_at", lookup_expr="gte")
    occurred_before = django_filters.IsoDateTimeFilter(field_name="occurred_at", lookup_expr="lt")

    class Meta:
        model = Visit
        fields = ["account", "author", "channel"]


class IssueFilter(django_filters.FilterSet):
    account = by_id("account")
    visit = by_id("visit")
    owner = by_id("owner")
    class Meta:
        model = CustomerIssue
        fields = ["account", "visit", "owner", "status", "kind"]


class CareTaskFilter(django_filters.FilterSet):
    account = by_id("account")
    contact = by_id("contact")
    owner = by_id("owner")
    due_after = django_filters.DateFilter(field_name="due_on", lookup_expr="gte")
    due_before = django_filters.DateFilter(field_name="due_on", lookup_expr="lte")

    class Meta:
        model = CareTask
        fields = ["account", "contact", "owner", "status", "kind"]
