import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Account
from accounts.selectors import assignable_people
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
                                             empty_label=_("Anyone"))
    region = django_filters.CharFilter(label=_("Region"), lookup_expr="icontains", max_length=200)
    archived = django_filters.BooleanFilter(label=_("Show archived"), method="show_archived",
                                            widget=forms.CheckboxInput)

    class Meta:
        model = Account
        fields = ["q", "status", "kind", "owner", "region"]

    def search(self, queryset, name, value):
        return queryset.search(value.strip())

    def show_archived(self, queryset, name, value):
        # Runs on the bare URL too (LenientFilterMixin binds it): archived rows stay hidden by default.
        return queryset if value else queryset.active()
