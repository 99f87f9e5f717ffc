"""Issue 19 item 4: touches on the read model (reports/facts.py TOUCHES). Every visit counts in its
account's log month, by author, week and channel, kept by a trigger on visits_visit through every
kind of write — logged, moved to another account, re-timed, re-channelled, handed to another
author, deleted, an account merge — and the reports that count touches per month (the quarterly
visit report, the visit targets' weekly progress) read it and equal the live count over the visits,
"as of now" included: a visit logged ahead of its time counts from its time on, with no job."""

from collections import Counter
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Count
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports import analytics, visit_report
from reports.facts import facts_refresh
from reports.models import Target, TouchFact
from tests.factories import AccountFactory, UserFactory
from tests.visits.factories import VisitFactory
from visits.models import Visit
from visits.services import month_of

pytestmark = pytest.mark.django_db

CHANNELS = list(Visit.Channel.values)

# The live computations the reports made before the read model, kept here to compare with.
LIVE_WEEKLY_VISITS = (f"""
    SELECT u.team_id, at.tier_id, v.author_id, {analytics.DAY_OF_VISIT}, count(*)
    FROM visits_visit v JOIN users_user u ON u.id = v.author_id
    LEFT JOIN tiering_accounttier at ON at.account_id = v.account_id
    WHERE v.log_month = %s AND v.account_id IN ({{scope}}) AND {{touch_counted}} GROUP BY 1, 2, 3, 4""",
                      ["tz", "month", "scope"])


def live_touch_cells(authors, months):
    return (Visit.objects.filter(author__in=authors, log_month__in=months)
            .values("author", "channel", "account__kind", "account__tier_state__tier__code")
            .annotate(n=Count("pk")).order_by())


def live_touch_channels(authors, months):
    return (Visit.objects.filter(author__in=authors, log_month__in=months).values("channel")
            .annotate(n=Count("pk")).order_by())


def live(monkeypatch, compute):
    """`compute()` once on the read model and once on the live visits."""
    from_facts = compute()
    with monkeypatch.context() as patched:
        patched.setitem(analytics.WEEKLY_SQL, "visits", LIVE_WEEKLY_VISITS)
        patched.setattr(visit_report, "touch_cells", live_touch_cells)
        patched.setattr(visit_report, "touch_channels", live_touch_channels)
        from_visits = compute()
    return from_facts, from_visits


def facts_now():
    return {(f.account_id, f.month, f.author_id, f.week, f.channel): f.touches for f in TouchFact.objects.all()}


def expected_facts():
    """The facts counted in Python from the visits, by their local day (an independent count)."""
    cells = Counter()
    for visit in Visit.objects.all():
        day = timezone.localtime(visit.occurred_at).day
        cells[(visit.account_id, visit.log_month, visit.author_id, (day - 1) // 7 + 1, visit.channel)] += 1
    return dict(cells)


@pytest.fixture
def people(manager, teammate, other_team):
    return [manager, teammate, UserFactory(username="zhao", team=other_team)]


@pytest.fixture
def portfolio(people):
    """The manager's two accounts (one strategic), a teammate's and another team's."""
    manager, teammate, stranger = people
    return [AccountFactory(owner=manager), AccountFactory(owner=manager, kind="strategic"),
            AccountFactory(owner=teammate), AccountFactory(owner=stranger)]


def first_of_month():
    """This month's first moment, local time."""
    return timezone.make_aware(datetime.combine(timezone.localdate().replace(day=1), time.min))


# Moments near the first of this month (its first minute, the minute before, a week's edges) and
# anywhere in the two months around it.
MINUTES = st.one_of(st.sampled_from([-1, 0, 1, 7 * 1440 - 1, 7 * 1440, 28 * 1440, -3 * 1440]),
                    st.integers(-45 * 1440, 70 * 1440))
VISITS = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 2), MINUTES, st.sampled_from(CHANNELS)),
                  min_size=1, max_size=20)
EDITS = st.lists(st.one_of(
    st.tuples(st.just("move"), st.integers(0, 19), st.integers(0, 3)),
    st.tuples(st.just("retime"), st.integers(0, 19), MINUTES),
    st.tuples(st.just("channel"), st.integers(0, 19), st.sampled_from(CHANNELS)),
    st.tuples(st.just("author"), st.integers(0, 19), st.integers(0, 2)),
    st.tuples(st.just("delete"), st.integers(0, 19), st.just(0)),
    st.tuples(st.just("merge"), st.integers(0, 3), st.integers(0, 3)),
    st.tuples(st.just("save"), st.integers(0, 19), MINUTES),
), max_size=12)
RANDOM = settings(max_examples=30, deadline=None,
                  suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def edit(visits, portfolio, people, what, index, value):
    """One statement on the visits, as a service, an import or a merge would write it."""
    pk = visits[index % len(visits)]
    rows = Visit.objects.filter(pk=pk)
    if what == "move":
        rows.update(account=portfolio[value])
    elif what == "retime":
        moment = first_of_month() + timedelta(minutes=value)
        rows.update(occurred_at=moment, log_month=month_of(moment))
    elif what == "channel":
        rows.update(channel=value)
    elif what == "author":
        rows.update(author=people[value])
    elif what == "delete":
        rows.delete()
    elif what == "merge":  # every visit of one account moves to another in one statement
        Visit.objects.filter(account=portfolio[index]).update(account=portfolio[value])
    else:  # the ORM's save, as visits.services writes an edit
        visit = rows.first()
        if visit is not None:
            visit.occurred_at = first_of_month() + timedelta(minutes=value)
            visit.log_month = month_of(visit.occurred_at)
            visit.save()


@RANDOM
@given(visits=VISITS, edits=EDITS, now_minutes=MINUTES)
def test_the_touch_facts_and_the_reports_on_them_equal_the_visits(
        monkeypatch, portfolio, people, team, manager, supervisor, admin, visits, edits, now_minutes):
    """Random visits (some dated after "now", many on a month's or a week's edge), randomly moved,
    re-timed, re-channelled, re-authored, deleted and merged: the facts are the visits counted
    anew, a recomputation finds nothing the trigger missed, and the quarterly report and the
    visit targets equal the live count for a manager, a supervisor and an admin."""
    Visit.objects.all().delete()
    start = first_of_month()
    made = [VisitFactory(account=portfolio[a], author=people[u], channel=channel,
                         occurred_at=start + timedelta(minutes=minutes)).pk
            for a, u, minutes, channel in visits]
    for what, index, value in edits:
        edit(made, portfolio, people, what, index, value)
    assert facts_now() == expected_facts()
    assert facts_refresh() == 0

    now = start + timedelta(minutes=now_minutes)
    this_month = timezone.localdate(start)
    months = [month_of(start - timedelta(days=1)), this_month, month_of(start + timedelta(days=32))]
    targets = [Target(month=this_month, metric="visits", value=Decimal(10)),
               Target(month=this_month, metric="visits", value=Decimal(5), team=team),
               Target(month=this_month, metric="visits", value=Decimal(3), manager=manager)]
    for user in (manager, supervisor, admin):
        scope = analytics.scope(user)
        for month in months:
            for target in targets:
                target.month = month
            progress, expected = live(monkeypatch, lambda scope=scope, month=month: [
                (p.weeks, p.expected) for p in analytics.target_progress(targets, scope, month=month, now=now)])
            assert progress == expected
        for year, quarter in {(m.year, (m.month - 1) // 3 + 1) for m in months}:
            rows, expected = live(monkeypatch, lambda user=user, year=year, quarter=quarter:
                                  visit_report.quarterly_report(user=user, year=year, quarter=quarter))
            assert rows == expected
            total, expected = live(monkeypatch, lambda user=user, year=year, quarter=quarter:
                                   visit_report.quarter_totals(user=user, year=year, quarter=quarter))
            assert total == expected


def test_a_visit_logged_ahead_counts_in_the_targets_from_its_time_on(portfolio, manager):
    """A visit planned for tomorrow is in the facts at once but in no week's actual until its
    moment has come — no job runs in between."""
    mine = portfolio[0]
    today_noon = timezone.make_aware(datetime.combine(timezone.localdate(), time(12)))
    VisitFactory(account=mine, author=manager, occurred_at=today_noon + timedelta(days=1))
    month = month_of(today_noon + timedelta(days=1))
    target = Target(month=month, metric="visits", value=Decimal(4))
    scope = analytics.scope(manager)

    def actual(now):
        return analytics.target_progress([target], scope, month=month, now=now)[0].actual

    assert TouchFact.objects.get().touches == 1
    assert actual(today_noon) == 0
    assert actual(today_noon + timedelta(days=1)) == 1  # its moment: counted


def test_the_refresh_repairs_what_bypassed_the_trigger_and_a_re_run_writes_nothing(portfolio, manager):
    """A load in replica mode (bench.seed's) fires no trigger: the refresh builds the touches it
    left out, removes those of visits gone, and a re-run writes nothing."""
    mine = portfolio[0]
    kept = VisitFactory(account=mine, author=manager)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("DELETE FROM visits_visit WHERE id = %s", [kept.pk])
        cursor.execute("SET LOCAL session_replication_role = origin")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            "INSERT INTO visits_visit (account_id, author_id, occurred_at, log_month, channel, purpose, summary, "
            "customer_feedback, sentiment, next_steps, location, written, version, created_at, updated_at) "
            "VALUES (%s, %s, '2025-06-30 23:30+08', '2025-06-01', 'phone', 'P', 'S', '', '', '', '', '{}', 1, "
            "now(), now())", [mine.pk, manager.pk])
        cursor.execute("SET LOCAL session_replication_role = origin")
    assert facts_now() != expected_facts()
    facts_refresh()
    assert facts_now() == expected_facts() == {(mine.pk, date(2025, 6, 1), manager.pk, 5, "phone"): 1}
    assert facts_refresh() == 0


def test_an_account_merge_moves_the_touches_once(portfolio, manager):
    from hub.merge import accounts_merge

    keep, dup = AccountFactory(owner=manager, name="东方电子"), AccountFactory(owner=manager, name="東方電子")
    VisitFactory(account=keep, author=manager)
    VisitFactory(account=dup, author=manager)
    accounts_merge(survivor=keep, duplicate=dup, by=manager)
    assert sum(TouchFact.objects.filter(account=keep).values_list("touches", flat=True)) == 2
    assert not TouchFact.objects.filter(account=dup).exists()
    assert facts_refresh() == 0
