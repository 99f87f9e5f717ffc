from datetime import timedelta

import django_filters
from django.db.models import TextChoices
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.params import CheckboxFilter, MonthFilter
from visits.models import CustomerIssue, GreenChannelRequest, Visit


class VisitFilter(django_filters.FilterSet):
    """The visit list and its export (K-20): month, channel, account name, my own."""

    month = MonthFilter(field_name="log_month", label=_("Month"))
    channel = django_filters.ChoiceFilter(choices=Visit.Channel.choices, label=_("Channel"))
    q = django_filters.CharFilter(field_name="account__name", lookup_expr="icontains", max_length=200,
                                  label=_("Account name"))
    mine = CheckboxFilter(lambda filters, visits: visits.filter(author=filters.request.user), label=_("Only mine"))

    class Meta:
        model = Visit
        fields = ["month", "channel", "q", "mine"]


class IssueShow(TextChoices):
    ATTENTION = "attention", _("Overdue or due in 24 h")
    OVERDUE = "overdue", _("Overdue")
    DUE_SOON = "due_soon", _("Due soon")
    OPEN = "open", _("All open")
    ALL = "all", _("All")


class IssueFilter(django_filters.FilterSet):
    """The customer issues list (K-22); without a valid `?show=`, the ones that need attention."""

    show = django_filters.ChoiceFilter(choices=IssueShow.choices, method="which", label=_("Show"))

    class Meta:
        model = CustomerIssue
        fields = ["show"]

    @property
    def show_value(self):
        return self.form.cleaned_data.get("show") or IssueShow.ATTENTION if self.is_valid() else IssueShow.ATTENTION

    def filter_queryset(self, queryset):
        return self.which(queryset, "show", self.show_value)

    def which(self, queryset, name, value):
        now = timezone.now()
        return {
            IssueShow.OVERDUE: lambda: queryset.overdue(now),
            IssueShow.DUE_SOON: lambda: queryset.due_soon(now),
            IssueShow.OPEN: queryset.open,
            IssueShow.ATTENTION: lambda: queryset.open().filter(due_at__lt=now + timedelta(hours=24)),
        }.get(value, lambda: queryset)()


class GreenStage(TextChoices):
    OPEN = "open", _("In progress")
    COMPLETED = "completed", _("Completed")
    ALL = "all", _("All")


class GreenFilter(django_filters.FilterSet):
    """Green-channel requests (K-27); without a valid `?stage=`, the ones in progress."""

    stage = django_filters.ChoiceFilter(choices=GreenStage.choices, label=_("Stage"))

    class Meta:
        model = GreenChannelRequest
        fields = ["stage"]

    @property
    def stage_value(self):
        return self.form.cleaned_data.get("stage") or GreenStage.OPEN if self.is_valid() else GreenStage.OPEN

    def filter_queryset(self, queryset):
        stage = self.stage_value
        if stage == GreenStage.ALL:
            return queryset
        return queryset.filter(completed_at__isnull=stage == GreenStage.OPEN)
