from datetime import timedelta

import django_filters
from django.db.models import TextChoices
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.params import CheckboxFilter
from visits.models import CustomerIssue


class QueueShow(TextChoices):
    WAITING = "waiting", _("Waiting to be accepted")
    ACCEPTED = "accepted", _("Accepted")
    RESOLVED = "resolved", _("Resolved")
    ALL = "all", _("All")


class Due(TextChoices):
    OVERDUE = "overdue", _("Overdue")
    SOON = "soon", _("Due in 24 h")


class QueueFilter(django_filters.FilterSet):
    """A department's queue (X-02): still to do by default (waiting and accepted), due soonest first."""

    show = django_filters.ChoiceFilter(choices=QueueShow.choices, method="which", label=_("Show"))
    kind = django_filters.ChoiceFilter(choices=CustomerIssue.Kind.choices, label=_("Kind"))
    due = django_filters.ChoiceFilter(choices=Due.choices, method="by_due", label=_("Due"))
    q = django_filters.CharFilter(field_name="account__name", lookup_expr="icontains", max_length=200,
                                  label=_("Account name"))
    mine = CheckboxFilter(lambda filters, issues: issues.filter(assignee=filters.request.user),
                          label=_("Accepted by me"))

    class Meta:
        model = CustomerIssue
        fields = ["show", "kind", "due", "q", "mine"]

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not (self.is_valid() and self.form.cleaned_data.get("show")):
            queryset = self.which(queryset, "show", None)
        return queryset

    def which(self, queryset, name, value):
        return {
            QueueShow.WAITING: lambda: queryset.filter(status=CustomerIssue.Status.OPEN),
            QueueShow.ACCEPTED: lambda: queryset.filter(status=CustomerIssue.Status.IN_PROGRESS),
            QueueShow.RESOLVED: lambda: queryset.filter(status__in=[CustomerIssue.Status.RESOLVED,
                                                                    CustomerIssue.Status.INFORMED]),
            QueueShow.ALL: lambda: queryset,
        }.get(value, lambda: queryset.filter(status__in=CustomerIssue.QUEUE_STATUSES))()

    def by_due(self, queryset, name, value):
        now = timezone.now()
        if value == Due.OVERDUE:
            return queryset.filter(due_at__lt=now)
        return queryset.filter(due_at__gte=now, due_at__lt=now + timedelta(hours=24))

    @property
    def show_value(self):
        return (self.form.cleaned_data.get("show") if self.is_valid() else "") or ""
