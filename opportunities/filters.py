import django_filters
from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.filters import owner_choices
from core.widgets import SearchSelect
from opportunities.models import Opportunity, Stage

DATE = forms.DateInput(attrs={"type": "date"})


def stage_choices(request):
    return Stage.objects.all()


def tier_choices(request):
    from tiering.models import Tier

    return Tier.objects.all()


class OpportunityFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search", max_length=200,
                                  widget=forms.TextInput(attrs={"type": "search",
                                                                "placeholder": _("Opportunity or account")}))
    state = django_filters.ChoiceFilter(
        label=_("State"), method="by_state", empty_label=_("Open and closed"),
        choices=[("open", _("Open")), ("tender", _("In a tender stage")), ("won", _("Won")), ("lost", _("Lost"))])
    stage = django_filters.ModelChoiceFilter(label=_("Stage"), queryset=stage_choices, empty_label=_("Any stage"))
    owner = django_filters.ModelChoiceFilter(label=_("Owner"), queryset=owner_choices, empty_label=_("Anyone"))
    tier = django_filters.ModelChoiceFilter(label=_("Tier"), queryset=tier_choices, empty_label=_("Any tier"),
                                            field_name="account__tier_state__tier")
    close_from = django_filters.DateFilter(label=_("Expected close from"), field_name="expected_close",
                                           lookup_expr="gte", widget=DATE)
    close_to = django_filters.DateFilter(label=pgettext_lazy("end of a date range", "to"),
                                         field_name="expected_close", lookup_expr="lte", widget=DATE)

    class Meta:
        model = Opportunity
        fields = ["q", "state", "stage", "owner", "tier", "close_from", "close_to"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        if user is not None and user.is_admin:  # everyone in the company: found by name, not listed (issue 19)
            self.filters["owner"].extra["widget"] = SearchSelect(reverse_lazy("accounts:people-options"))

    def search(self, queryset, name, value):
        return queryset.search(value.strip(), reader=getattr(self.request, "user", None))

    def by_state(self, queryset, name, value):
        if value == "open":
            return queryset.open()
        return queryset.filter(stage__kind=value)
