import django_filters
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _

from accounts.models import Account
from core.params import CheckboxFilter
from tiering.cadence import overdue_account_ids_sql


def _overdue(filterset, queryset):
    # Asked among the board's own accounts: a manager's "overdue only" costs their portfolio.
    sql, params = overdue_account_ids_sql(among=queryset)
    return queryset.filter(pk__in=RawSQL(sql, params))


def _mine(filterset, queryset):
    user = filterset.request.user
    return queryset.served_by(user)


class CadenceFilter(django_filters.FilterSet):
    """The cadence board and its export (K-30): a tier, the overdue ones, my own."""

    tier = django_filters.CharFilter(field_name="tier_state__tier__code", max_length=10, label=_("Tier"))
    overdue = CheckboxFilter(_overdue, label=_("Overdue only"))
    mine = CheckboxFilter(_mine, label=_("Only mine"))

    class Meta:
        model = Account
        fields = ["tier", "overdue", "mine"]
