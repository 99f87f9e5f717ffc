import django_filters
from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import Account
from accounts.selectors import assignable_people
from core.search import people_named
from core.widgets import ChosenOnlySelect
from users.models import User


def owner_choices(request):
    """The people of the user's own team (everyone for an admin): the list names nobody
    from a team whose accounts the user cannot see."""
    return assignable_people(request.user) if request is not None else User.objects.none()


class AccountFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search", max_length=200,
                                  widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Account name")}))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Account.Status.choices, empty_label=_("Any status"))
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Account.Kind.choices, empty_label=_("Any kind"))
    owner = django_filters.ModelChoiceFilter(label=_("Responsible manager"), queryset=owner_choices,
                                             empty_label=_("Anyone"), widget=ChosenOnlySelect)
    owner_name = django_filters.CharFilter(
        label=_("Manager's name"), method="owned_by_named", max_length=100,
        widget=forms.TextInput(attrs={
            "type": "search", "placeholder": _("Type part of a name"), "autocomplete": "off",
            "hx-get": reverse_lazy("accounts:owner-options"), "hx-trigger": "input changed delay:250ms, search",
            "hx-sync": "this:replace", "hx-target": "#owner-results", "aria-controls": "owner-results"}))
    region = django_filters.CharFilter(label=_("Region"), lookup_expr="icontains", max_length=200)
    archived = django_filters.BooleanFilter(label=_("Show archived"), method="show_archived",
                                            widget=forms.CheckboxInput)

    class Meta:
        model = Account
        fields = ["q", "status", "kind", "owner", "owner_name", "region"]

    def search(self, queryset, name, value):
        return queryset.search(value.strip(), reader=getattr(self.request, "user", None))

    def owned_by_named(self, queryset, name, value):
        """Without JavaScript, the picker's box is a filter of its own: accounts of the people
        whose name holds the words."""
        if not value.strip():
            return queryset
        return queryset.filter(owner__in=people_named(owner_choices(self.request), value.strip()).values("pk"))

    def show_archived(self, queryset, name, value):
        # Runs on the bare URL too (LenientFilterMixin binds it): archived rows stay hidden by default.
        return queryset if value else queryset.active()
