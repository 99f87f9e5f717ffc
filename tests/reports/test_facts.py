"""Issue 19 item 4: the reports read revenue from a read model (reports/facts.py) — whole months
from facts per account, month and currency, the partial months at a window's edges from the
orders — and every figure equals the live computation over the orders (accounts.metrics), for
a manager, a supervisor and an admin, on random orders in random months and currencies."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts import metrics
from accounts.models import Order
from reports import analytics, facts
from reports.facts import facts_refresh
from reports.models import RevenueFact, WindowMark
from tests.factories import AccountFactory, OrderFactory, UserFactory

pytestmark = pytest.mark.django_db

CURRENCIES = ["CNY", "HKD", "USD"]


def live_revenue_sql(windows, *, today=None, account=None, group=False):
    """The live computation the reports made before the read model: each window's revenue summed
    over the account's orders (or every account's) with accounts.metrics.revenue_sql."""
    columns = ", ".join(f"{metrics.revenue_sql(window)} AS r{n}" for n, window in enumerate(windows))
    if group:
        return f"SELECT o.account_id, {columns} FROM accounts_order o GROUP BY o.account_id"
    return f"SELECT {columns} FROM accounts_order o WHERE o.account_id = {account}"


def live(monkeypatch, compute):
    """`compute()` once on the read model and once on the live orders."""
    from_facts = compute()
    with monkeypatch.context() as patched:
        patched.setattr(facts, "revenue_sql", live_revenue_sql)
        from_orders = compute()
    return from_facts, from_orders


def facts_now():
    return {(f.account_id, f.month, f.currency): (f.amount, f.orders) for f in RevenueFact.objects.all()}


@pytest.fixture
def portfolio(manager, teammate, other_team):
    """The manager's two accounts (one in Hong Kong dollars), a teammate's and another team's."""
    stranger = UserFactory(username="zhao", team=other_team)
    return [AccountFactory(owner=manager), AccountFactory(owner=manager, currency="HKD"),
            AccountFactory(owner=teammate), AccountFactory(owner=stranger)]


# "Today" often on a month's first or last day or the day after, and orders often on the days where
# a window begins or ends (a year ago, two years ago, the first of the month, tomorrow).
TODAY = st.one_of(st.tuples(st.integers(-14, 1), st.sampled_from([0, 0, -1, 1])), st.integers(-400, 30))
NEAR_TODAY = [0, 1, -1, -364, -365, -366, -729, -730, -731]
RANDOM = settings(max_examples=30, deadline=None,
                  suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def day_of(base, shift):
    if isinstance(shift, int):
        return base + timedelta(days=shift)
    months, offset = shift  # the first of a month some months away, moved by a day or not
    first = base.replace(day=1)
    for _ in range(abs(months)):
        first = (first - timedelta(days=1) if months < 0 else first + timedelta(days=32)).replace(day=1)
    return first + timedelta(days=offset)


@RANDOM
@given(data=st.data(), today_shift=TODAY, period=st.tuples(st.integers(-900, 0), st.integers(-400, 90)),
       refreshed=st.sampled_from(["today", "yesterday", "never"]))
def test_every_revenue_figure_from_the_read_model_equals_the_orders(
        monkeypatch, portfolio, manager, supervisor, admin, data, today_shift, period, refreshed):
    """Random orders (some dated ahead, many on the edges of the windows), a random "today" and a
    random period: value, concentration and operating agree with the live SQL for each persona,
    and a full recomputation of the facts finds nothing the triggers missed."""
    Order.objects.all().delete()
    WindowMark.objects.all().delete()
    base = timezone.localdate()
    today = day_of(base, today_shift)
    if refreshed != "never":  # the accounts' windows as of today, or as of a day before (stale: not read)
        facts_refresh(today=today if refreshed == "today" else today - timedelta(days=1))
    day = st.one_of(st.sampled_from(NEAR_TODAY).map(lambda d: today + timedelta(days=d)),
                    st.sampled_from([today.replace(day=1), metrics.month_of(today).end,
                                     metrics.year_before(today).replace(day=1)]),
                    st.integers(-800, 60).map(lambda d: base + timedelta(days=d)))
    orders = data.draw(st.lists(st.tuples(st.integers(0, 3), day, st.decimals(
        min_value=Decimal("0.01"), max_value=Decimal("999999.99"), places=2), st.sampled_from(CURRENCIES)),
        min_size=1, max_size=25))
    for index, signed_on, amount, currency in orders:
        OrderFactory(account=portfolio[index], signed_on=signed_on, amount=amount, currency=currency)
    if refreshed != "never":  # the triggers kept the windows too: a recomputation finds nothing
        assert facts_refresh(today=WindowMark.objects.get().as_of) == 0
    else:
        facts_refresh()  # the windows built; the monthly facts had nothing to add
        assert RevenueFact.objects.count() == len({(portfolio[i].pk, d.replace(day=1), c) for i, d, _a, c in orders})
        WindowMark.objects.all().delete()

    start, end = sorted(base + timedelta(days=d) for d in period)
    now = timezone.now() + timedelta(days=(today - base).days)
    for user in (manager, supervisor, admin):
        scope = analytics.scope(user)
        values, expected = live(monkeypatch, lambda scope=scope: sorted(
            (v.id, v.to_date, v.last12, v.prev12) for v in analytics.account_values(scope, today=today)))
        assert values == expected
        result, expected = live(monkeypatch, lambda scope=scope: analytics.revenue_concentration(
            scope, start=start, end=end, today=today))
        assert result == expected
        rows, expected = live(monkeypatch, lambda scope=scope: analytics.operating(scope, now=now))
        assert rows == expected


@pytest.mark.parametrize("day", [date(2026, 3, 1), date(2026, 3, 31), date(2026, 2, 28), date(2024, 2, 29),
                                 date(2026, 1, 15)])
def test_a_window_splits_into_whole_months_and_its_edges(day):
    for window in (metrics.last_12_months(day), metrics.previous_12_months(day), metrics.to_date(day),
                   metrics.month_of(day), metrics.Window(day, day)):
        (first, last), edges = facts.split(window)
        covered = list(edges)
        if last is not None:
            covered.append(metrics.Window(first or FLOOR, metrics.month_of(last).end))
        days = sorted(d for w in covered for d in _days(w))
        assert days == list(_days(window))  # every day once, none outside


FLOOR = date(2020, 1, 1)  # a window with no start: its days from here


def _days(window):
    day = max(window.start or FLOOR, FLOOR)
    while day <= window.end:
        yield day
        day += timedelta(days=1)


def test_the_facts_follow_every_edit_of_an_order(portfolio):
    """An order's amount, date, currency and account changed, then the order deleted: each time the
    facts are what a recomputation from the orders gives, in the same transaction."""
    mine, hk, theirs, _stranger = portfolio
    facts_refresh()  # the accounts' windows as of today: the triggers keep them as well
    order = OrderFactory(account=mine, signed_on=date(2026, 1, 10), amount=Decimal("100.00"))
    OrderFactory(account=mine, signed_on=date(2026, 1, 20), amount=Decimal("50.00"))
    assert facts_now() == {(mine.pk, date(2026, 1, 1), "CNY"): (Decimal("150.00"), 2)}

    order.amount = Decimal("120.50")
    order.save()
    assert facts_now()[(mine.pk, date(2026, 1, 1), "CNY")] == (Decimal("170.50"), 2)

    order.signed_on = date(2025, 12, 31)  # moved to the month before
    order.save()
    assert facts_now() == {(mine.pk, date(2026, 1, 1), "CNY"): (Decimal("50.00"), 1),
                           (mine.pk, date(2025, 12, 1), "CNY"): (Decimal("120.50"), 1)}

    Order.objects.filter(pk=order.pk).update(account=theirs, currency="USD")  # a merge, a correction
    assert facts_now() == {(mine.pk, date(2026, 1, 1), "CNY"): (Decimal("50.00"), 1),
                           (theirs.pk, date(2025, 12, 1), "USD"): (Decimal("120.50"), 1)}

    order.refresh_from_db()
    order.delete()
    Order.objects.filter(account=mine).delete()
    assert facts_now() == {}
    assert facts_refresh() == 0


def test_raw_sql_and_bulk_writes_are_counted_too(portfolio):
    mine, hk, *_rest = portfolio
    facts_refresh()
    Order.objects.bulk_create([Order(account=hk, signed_on=date(2025, 6, day), amount=Decimal(day), currency="HKD",
                                     product="P") for day in range(1, 11)])
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO accounts_order (account_id, signed_on, amount, currency, product, reference, "
                       "created_at) VALUES (%s, '2025-06-30', 1000, 'HKD', 'P', '', now())", [hk.pk])
        cursor.execute("UPDATE accounts_order SET amount = amount * 2 WHERE account_id = %s", [hk.pk])
    assert facts_now() == {(hk.pk, date(2025, 6, 1), "HKD"): (Decimal(2 * (55 + 1000)), 11)}
    assert facts_refresh() == 0


def test_the_refresh_repairs_what_bypassed_the_triggers_and_a_re_run_writes_nothing(
        portfolio, django_assert_max_num_queries):
    """A load in replica mode (as bench.seed's) fires no trigger: the refresh builds what is
    missing, removes what has no order any more, and an immediate re-run writes nothing."""
    mine, *_rest = portfolio
    facts_refresh()
    kept = OrderFactory(account=mine, signed_on=date(2026, 2, 3), amount=Decimal("10.00"))
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("INSERT INTO accounts_order (account_id, signed_on, amount, currency, product, reference, "
                       "created_at) VALUES (%s, '2024-07-01', 700, 'CNY', 'P', '', now())", [mine.pk])
        cursor.execute("DELETE FROM accounts_order WHERE id = %s", [kept.pk])
        cursor.execute("SET LOCAL session_replication_role = origin")
    assert facts_now() == {(mine.pk, date(2026, 2, 1), "CNY"): (Decimal("10.00"), 1)}  # stale

    assert facts_refresh() == 3  # a month built, one removed, the account's windows corrected
    assert facts_now() == {(mine.pk, date(2024, 7, 1), "CNY"): (Decimal("700.00"), 1)}
    # savepoint, the mark (lock, upsert), the triggers' zone, per fact table lock, recomputation,
    # statistics, upsert, delete, drop; release
    with django_assert_max_num_queries(35):
        assert facts_refresh() == 0
    # nor does the day's mark change: the same row version (ctid) as before the re-run
    with connection.cursor() as cursor:
        cursor.execute("SELECT ctid::text FROM reports_windowmark")
        before = cursor.fetchall()
        facts_refresh()
        cursor.execute("SELECT ctid::text FROM reports_windowmark")
        assert cursor.fetchall() == before


def test_the_nightly_job_runs_the_refresh_on_the_bulk_queue(portfolio):
    facts_refresh()
    from django.conf import settings as django_settings

    from config.celery import app
    from reports.tasks import report_facts_refresh

    assert django_settings.CELERY_TASK_ROUTES["reports.tasks.report_facts_refresh"] == {"queue": "bulk"}
    assert any(entry["task"] == "reports.tasks.report_facts_refresh" for entry in app.conf.beat_schedule.values())
    assert report_facts_refresh() == 0


def test_an_order_signed_today_on_the_first_of_a_month_counts_at_once(monkeypatch, portfolio, admin):
    mine, *_rest = portfolio
    today = date(2026, 3, 1)
    OrderFactory(account=mine, signed_on=today, amount=Decimal("5.00"))
    OrderFactory(account=mine, signed_on=date(2026, 2, 28), amount=Decimal("7.00"))
    values, expected = live(monkeypatch, lambda: sorted(
        (v.id, v.to_date, v.last12, v.prev12) for v in analytics.account_values(analytics.scope(admin), today=today)))
    assert values == expected
    assert [v for v in values if v[0] == mine.pk] == [(mine.pk, Decimal(12), Decimal(12), Decimal(0))]
