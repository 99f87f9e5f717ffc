import django_filters
from django.utils.translation import gettext_lazy as _

from users.models import Team


class TeamFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", max_length=200,
                                  label=_("Team name"))

    class Meta:
        model = Team
        fields = ["q"]
