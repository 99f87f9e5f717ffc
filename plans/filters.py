import django_filters
from django.utils.translation import gettext_lazy as _

from core.params import IntegerFilter
from plans.models import AccountPlan, BankQuestion, SpinCategory


class PlanFilter(django_filters.FilterSet):
    """The plans list (K-09): year, status, account name."""

    year = IntegerFilter(min_value=1900, max_value=9999, label=_("Year"))
    status = django_filters.ChoiceFilter(choices=AccountPlan.Status.choices, label=_("Status"))
    q = django_filters.CharFilter(field_name="account__name", lookup_expr="icontains", max_length=200,
                                  label=_("Account"))

    class Meta:
        model = AccountPlan
        fields = ["year", "status", "q"]


class BankQuestionFilter(django_filters.FilterSet):
    """The SPIN question bank (K-28): category, industry, words of the question."""

    category = django_filters.ChoiceFilter(choices=SpinCategory.choices, label=_("Category"))
    industry = django_filters.CharFilter(lookup_expr="iexact", max_length=100, label=_("Industry"))
    q = django_filters.CharFilter(field_name="text", lookup_expr="icontains", max_length=200, label=_("Search"))

    class Meta:
        model = BankQuestion
        fields = ["category", "industry", "q"]
