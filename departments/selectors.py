"""Reads of the departments' pages: a member's home, the performance report (X-02)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, F, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from users.models import Department
from visits.models import CustomerIssue, GreenChannelRequest


def home_summary(user, now=None):
    """A member's home: what is theirs, what waits for anyone, and the counts, in one aggregate."""
    now = now or timezone.now()
    queue = CustomerIssue.objects.in_queue(user.department_id)
    counts = queue.aggregate(
        waiting=Count("pk", filter=Q(status=CustomerIssue.Status.OPEN)),
        mine=Count("pk", filter=Q(assignee=user)),
        overdue=Count("pk", filter=Q(due_at__lt=now)),
        soon=Count("pk", filter=Q(due_at__gte=now, due_at__lt=now + timedelta(hours=24))),
    )
    counts["green"] = GreenChannelRequest.objects.in_queue(user.department_id).count()
    return counts


@dataclass
class PerformanceRow:
    """One department, one month, one kind of work: how much came in and how much was done on time."""

    department: Department
    month: date
    kind: str
    label: str
    routed: int
    resolved: int
    on_time: int
    informed_on_time: int
    overdue_open: int

    @property
    def on_time_rate(self):
        return round(100 * self.on_time / self.resolved) if self.resolved else None


def performance(year, now=None):
    """Routed issues per department, month routed and kind, and the green channel's completions per
    department and month dispatched: resolved (completed) by their deadline or not. Two GROUP BYs."""
    now = now or timezone.now()
    zone = timezone.get_current_timezone()
    start = datetime.combine(date(year, 1, 1), time(0), tzinfo=zone)
    end = datetime.combine(date(year + 1, 1, 1), time(0), tzinfo=zone)
    departments = {d.pk: d for d in Department.objects.all()}
    kinds = dict(CustomerIssue.Kind.choices)
    issues = (CustomerIssue.objects.filter(department__isnull=False, routed_at__gte=start, routed_at__lt=end)
              .annotate(month=TruncMonth("routed_at", tzinfo=zone)).order_by()
              .values("department_id", "month", "kind")
              .annotate(routed=Count("pk"), resolved=Count("pk", filter=Q(resolved_at__isnull=False)),
                        on_time=Count("pk", filter=Q(resolved_at__lte=F("due_at"))),
                        informed_on_time=Count("pk", filter=Q(informed_at__lte=F("due_at"))),
                        overdue_open=Count("pk", filter=Q(resolved_at__isnull=True, due_at__lt=now))))
    green = (GreenChannelRequest.objects.filter(department__isnull=False, dispatched_at__gte=start,
                                                dispatched_at__lt=end)
             .annotate(month=TruncMonth("dispatched_at", tzinfo=zone)).order_by()
             .values("department_id", "month")
             .annotate(routed=Count("pk"), resolved=Count("pk", filter=Q(completed_at__isnull=False)),
                       on_time=Count("pk", filter=Q(completed_at__lte=F("completion_due_at"))),
                       overdue_open=Count("pk", filter=Q(completed_at__isnull=True, completion_due_at__lt=now))))
    rows = [PerformanceRow(departments[r["department_id"]], _day(r["month"]), r["kind"], kinds[r["kind"]],
                           r["routed"], r["resolved"], r["on_time"], r["informed_on_time"], r["overdue_open"])
            for r in issues]
    rows += [PerformanceRow(departments[r["department_id"]], _day(r["month"]), "green",
                            _("Green channel"), r["routed"], r["resolved"], r["on_time"],
                            0, r["overdue_open"])
             for r in green]
    order = [*CustomerIssue.Kind.values, "green"]
    return sorted(rows, key=lambda row: (row.month, row.department.code, order.index(row.kind)))


def _day(value):
    return timezone.localtime(value).date() if isinstance(value, datetime) else value
