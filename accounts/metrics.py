"""Metric definitions (issue 16): every figure the product shows is defined once, here.

The tier engine, cadence, the dashboards, the reports and the account page take their
windows, their population and their "due" and "on time" from this module: in Python, as
QuerySet filters, or as SQL fragments built from the same definitions. So the same account,
team and period show the same figure on every page (tests/reports/test_figures_agree.py).
README "Metric definitions" says each in words.

It lives in `accounts`, the lowest app that owns the data the figures are about (accounts,
their orders and statuses); the apps above it pass in their own columns for the rest.

Every definition takes "today" or "now" from its caller, who takes it from Python's clock
(timezone.localdate(), timezone.now()), never from PostgreSQL's now(): a frozen test clock
freezes the figures too. Dates and moments enter SQL as constants (core.sql.date_literal), so a
fragment fits a statement with positional or with named parameters alike.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from accounts.models import Account
from core.money import amount_sql, converted
from core.sql import date_literal, literals, moment_literal, zone_literal

# --- Windows of days ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """The days from `start` to `end`, both included; `start` None: since the beginning."""

    start: date | None
    end: date

    def contains(self, day):
        return day <= self.end and (self.start is None or day >= self.start)

    def sql(self, column):
        """SQL: the date `column` falls in the window."""
        if self.start is None:
            return f"{column} <= {date_literal(self.end)}"
        return f"{column} BETWEEN {date_literal(self.start)} AND {date_literal(self.end)}"

    def q(self, field):
        """The same as a QuerySet filter on the date field `field`."""
        if self.start is None:
            return Q(**{f"{field}__lte": self.end})
        return Q(**{f"{field}__range": (self.start, self.end)})

    def moments(self):
        """(first moment or None, first moment after) of the window in the local time zone."""
        zone = timezone.get_default_timezone()
        start = datetime.combine(self.start, time.min, zone) if self.start else None
        return start, datetime.combine(self.end + timedelta(days=1), time.min, zone)

    def sql_moment(self, column):
        """SQL: the timestamp `column` falls on a day of the window (local time), index-friendly."""
        start, after = self.moments()
        lower = "" if self.start is None else f"{column} >= {moment_literal(start)} AND "
        return f"{lower}{column} < {moment_literal(after)}"


def year_before(day):
    """The same date a year earlier (29 February: the 28th)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def last_12_months(today):
    """"Last 12 months" as of `today`: the year of days that ends with today (13 Mar 2025 – 12 Mar 2026
    inclusive, as of 12 March 2026). Tiers, the account page, value, operating and the concentration
    report's default period all use it."""
    return Window(year_before(today) + timedelta(days=1), today)


def previous_12_months(today):
    """The 12 months before the last 12 (growth is the last 12 against these)."""
    return last_12_months(year_before(today))


def to_date(today):
    """Everything up to and including today ("orders to date")."""
    return Window(None, today)


def period(start, end, *, today):
    """A chosen period (a report's from–to), cut at today: what is dated after today has not
    happened yet, so a period reaching into the future counts only its past."""
    return Window(start, min(end, today))


def month_of(day):
    """The calendar month that holds `day`."""
    first = day.replace(day=1)
    return Window(first, (first + timedelta(days=32)).replace(day=1) - timedelta(days=1))


# --- Orders and revenue (K-08) -------------------------------------------------------------------
# An order counts from its date (signed_on), never from when its row was made, and only once that
# date has come: an order dated after today is in no figure until its day. Every window above ends
# at today at the latest, so "counted" and "in the window" are one test.


def orders_in_sql(window, *, orders="o"):
    """SQL: the order (alias `orders`) counts in the window."""
    return window.sql(f"{orders}.signed_on")


def revenue_sql(window, *, orders="o", currency=None):
    """SQL aggregate: the revenue of the orders (alias `orders`) counted in the window, 0 for none.
    Each order is converted first (core/money.py: never two currencies added as they are), into
    `currency` (an account's own figures) or else the reporting currency (figures across accounts)."""
    amount = amount_sql(f"{orders}.amount", f"{orders}.currency", to_currency=currency)
    return f"coalesce(sum({amount}) FILTER (WHERE {orders_in_sql(window, orders=orders)}), 0)"


def revenue(window, *, currency, field="amount", currency_field="currency"):
    """The QuerySet aggregate of revenue_sql for orders already filtered with orders_in()."""
    from django.db.models import Sum

    return Sum(converted(field, currency_field, to_currency=currency))


def orders_in(window, field="signed_on"):
    """The QuerySet filter for orders counted in the window (`field`: the path to signed_on)."""
    return window.q(field)


# --- Customers --------------------------------------------------------------------------------------
# A customer is an account that is not archived and whose status is active or at risk
# (Account.CUSTOMER_STATUSES): tiered, kept to a cadence, cared for, ranked by revenue. Prospects
# and lost accounts are none of these. The QuerySet form is Account.objects.customers().

CUSTOMER_STATUSES = Account.CUSTOMER_STATUSES


def customer_sql(alias="a"):
    """SQL: the account (alias `alias`) is a customer."""
    return f"{alias}.archived_at IS NULL AND {alias}.status IN {literals(CUSTOMER_STATUSES)}"


# --- Cadence kept (K-30) ------------------------------------------------------------------------------
# tiering.cadence computes, for each requirement of an account's tier, the day the next touch is
# due, from the touches made up to a checkpoint. The account is overdue at the checkpoint when
# some requirement was due on an earlier day, and keeps its cadence when none was. The cadence
# board's checkpoint is now; a month's checkpoint (the monthly evaluation) is the month's end, the
# first moment of the next month, or now while the month is still running. A touch logged with a
# future date counts once its moment has come.


def cadence_checkpoint(month, *, now):
    """The moment a month's cadence is judged at: its end, or `now` if that is earlier."""
    _first, after = month_of(month).moments()
    return min(after, now)


def touch_counted_sql(column, checkpoint):
    """SQL: a touch at `column` (a timestamp) counts at the checkpoint: it happened at or before it."""
    return f"{column} <= {moment_literal(checkpoint)}"


def touches_counted(checkpoint, field="occurred_at"):
    """The same as a QuerySet filter on visits."""
    return Q(**{f"{field}__lte": checkpoint})


def checkpoint_day(checkpoint):
    """The local day a checkpoint falls on: a requirement due before it is overdue."""
    return timezone.localdate(checkpoint)


def overdue_sql(due_on, checkpoint):
    """SQL: a requirement due on `due_on` (a date) is overdue at the checkpoint."""
    return f"{due_on} < {date_literal(checkpoint_day(checkpoint))}"


def is_overdue(due_on, checkpoint):
    """The same in Python (tiering.cadence.Need.overdue)."""
    return due_on < checkpoint_day(checkpoint)


# --- Due and on time (care tasks, customer issues: K-22, K-44, K-55) ---------------------------------
# An item is due in a period when its deadline falls in the period and either the deadline has
# passed or the item is closed. One still open whose deadline is yet to come is not counted at
# all: on the 1st, an issue due on the 4th is no failure (nor a success) yet. It is on time when it
# was closed by its deadline. A deadline is a day (a care task's due_on: the whole day counts) or
# a moment (an issue's due_at).


def falls_due_sql(*, due, closed, window, now, day=True):
    """SQL: the item counts as due in the window at `now`. `due`: its deadline column (a date when
    `day`, else a timestamp); `closed`: SQL that is true once the item is closed."""
    if day:
        passed = f"{due} < {date_literal(timezone.localdate(now))}"
        return f"({window.sql(due)} AND ({passed} OR {closed}))"
    return f"({window.sql_moment(due)} AND ({due} < {moment_literal(now)} OR {closed}))"


def on_time_sql(*, closed_at, due, day=True):
    """SQL: closed (at the timestamp `closed_at`) by its deadline `due`."""
    if day:
        return f"({closed_at} AT TIME ZONE {zone_literal(settings.TIME_ZONE)})::date <= {due}"
    return f"{closed_at} <= {due}"


def on_time(closed_at, due):
    """The same in Python: `due` a date (the whole day counts) or an aware datetime."""
    if closed_at is None:
        return False
    if isinstance(due, datetime):
        return closed_at <= due
    return timezone.localdate(closed_at) <= due


# --- Weeks of a month (targets, K-53) -----------------------------------------------------------------


def weeks_of(month):
    """The month's weeks as windows: days 1–7, 8–14, 15–21, 22–28 and 29 to the end."""
    whole = month_of(month)
    weeks, start = [], whole.start
    while start <= whole.end:
        end = min(start + timedelta(days=6), whole.end)
        weeks.append(Window(start, end))
        start = end + timedelta(days=1)
    return weeks


def has_begun(window, today):
    """A week (or any window) that has not begun has no actual yet: it shows none, not zero."""
    return window.start is None or window.start <= today
