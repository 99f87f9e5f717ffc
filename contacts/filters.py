import django_filters
from django.utils.translation import gettext_lazy as _

from contacts.models import BuyerRole, Contact


class ContactFilter(django_filters.FilterSet):
    """The contact list and its export: name, a role they hold, their status."""

    q = django_filters.CharFilter(method="search", max_length=200, label=_("Contact name"))
    role = django_filters.ChoiceFilter(field_name="roles__role", choices=BuyerRole.Role.choices, label=_("Role"))
    status = django_filters.ChoiceFilter(choices=Contact.Status.choices, label=_("Status"))

    class Meta:
        model = Contact
        fields = ["q", "role", "status"]

    def search(self, queryset, name, value):
        return queryset.search(value.strip(), reader=getattr(self.request, "user", None))
