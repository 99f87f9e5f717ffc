"""Reads the sign-off page needs beyond its queries (K-21)."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count
from django.db.models.functions import TruncWeek
from django.utils import timezone

from visits.models import MonthlyLog
from visits.services import submission_deadline


@dataclass(frozen=True)
class LogMonth:
    """One row of "My visit log": a month, its visit count and its log (None until submitted)."""

    month: date
    visits: int
    log: MonthlyLog | None

    @property
    def deadline(self):
        return submission_deadline(self.month)

    @property
    def is_current(self):
        return self.month == timezone.localdate().replace(day=1)

    @property
    def awaits_submission(self):
        """Not yet with the supervisor: never submitted, or returned for changes."""
        return self.log is None or self.log.status in (MonthlyLog.Status.OPEN, MonthlyLog.Status.RETURNED)

    @property
    def can_submit(self):
        # A month with no visits has nothing to sign off (unless a log exists, e.g. returned after
        # its visits moved): offering Submit there asks a question with no answer.
        return self.awaits_submission and (self.visits > 0 or self.log is not None)

    @property
    def is_overdue(self):
        """Past its deadline and still not with the supervisor: what submitting now flags as late."""
        return self.can_submit and timezone.localdate() > self.deadline


def my_log_months(months, counts, logs):
    """`counts` {month: visits} and `logs` {month: log} of one author, as rows, newest first."""
    return [LogMonth(month, counts.get(month, 0), logs.get(month)) for month in months]


def has_own_log(rows):
    """Whether the page shows "My visit log" to a supervisor: only when they log visits themselves."""
    return any(row.visits or row.log for row in rows)


@dataclass(frozen=True)
class LogWeek:
    """A week of a month's log on the sign-off review: Monday to Sunday, cut to the month."""

    monday: date
    first: date
    last: date
    visits: int

    @property
    def key(self):
        return self.monday.isoformat()


def log_weeks(visits, month):
    """The month's weeks, each with its number of visits (one query). The review shows one
    week at a time: a month of 280 visits is read a week at a time, not rendered at once."""
    counts = {row["week"].date() if hasattr(row["week"], "date") else row["week"]: row["n"]
              for row in visits.order_by().annotate(week=TruncWeek("occurred_at")).values("week")
              .annotate(n=Count("pk")).values("week", "n")}
    end = (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    mondays = {month - timedelta(days=month.weekday()) + timedelta(weeks=i) for i in range(6)}
    mondays = {m for m in mondays if m <= end} | set(counts)
    return [LogWeek(m, max(m, month), min(m + timedelta(days=6), end), counts.get(m, 0)) for m in sorted(mondays)]


def week_of(moment):
    """The Monday of the week a visit happened in, in local time."""
    day = timezone.localtime(moment).date()
    return day - timedelta(days=day.weekday())


def visit_changes(visit_ids, *, since=None, limit=50):
    """What changed in the visits of `visit_ids` (a list or a values("pk") query), newest first:
    [(record, [(label, old, new)])] with field and choice labels in the reader's language (core.history).
    Each record carries `after_reopen`: it was made after `since` (the month's last reopening, K-21:
    corrections leave a trace). One query for the records, each compared with the one before it of
    the same visit (read in the same query: every record of these visits, at most `limit` shown)."""
    from core.history import record_changes, related_names
    from visits.models import Visit

    history = Visit.history.model.objects.filter(id__in=visit_ids).select_related(
        "history_user", *related_names(Visit.history.model)).order_by("id", "history_date", "history_id")
    previous, found = {}, []
    for record in history:
        before = previous.get(record.id)
        previous[record.id] = record
        if record.history_type != "~" or before is None:
            continue
        fields = record_changes(record, before, Visit)
        if fields:
            record.after_reopen = since is not None and record.history_date > since
            found.append((record, fields))
    found.sort(key=lambda pair: (pair[0].history_date, pair[0].history_id), reverse=True)
    return found[:limit]
