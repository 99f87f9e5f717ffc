"""Issue 19 item 4: care done and due on the read model (reports/facts.py CARE). Each care task counts
in its account's and owner's month of its day, with whether it was done on the day or before; a
trigger on care_caretask keeps that through every write (generated, moved to another day, done,
skipped, reopened, handed over, deleted), and the monthly evaluation reads it and equals the live
count as of any moment — a task still open before its day is over is no failure yet (K-55)."""

from collections import Counter
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts import metrics
from care.models import CareTask
from reports import analytics, facts
from reports.facts import facts_refresh
from reports.models import CareFact
from tests.factories import AccountFactory, UserFactory

pytestmark = pytest.mark.django_db

DONE, SKIPPED, OPEN = CareTask.Status.DONE, CareTask.Status.SKIPPED, CareTask.Status.OPEN


def live_care_done_due_sql(window, *, now):
    """The evaluation's live count before the read model: every task due in the month at `now`."""
    return (f"SELECT owner_id AS id, count(*) AS due, count(*) FILTER (WHERE {facts.care_on_time_sql()}) AS on_time "
            f"FROM care_caretask WHERE {facts.care_due_sql(window, now=now)} GROUP BY owner_id")


def facts_now():
    return {(f.account_id, f.owner_id, f.month): (f.tasks, f.on_time) for f in CareFact.objects.all()}


def expected_facts():
    """The facts counted in Python from the tasks (accounts.metrics.on_time): an independent count."""
    tasks, on_time = Counter(), Counter()
    for task in CareTask.objects.all():
        key = (task.account_id, task.owner_id, task.due_on.replace(day=1))
        tasks[key] += 1
        on_time[key] += task.status == DONE and metrics.on_time(task.done_at, task.due_on)
    return {key: (n, on_time[key]) for key, n in tasks.items()}


@pytest.fixture
def people(manager, teammate, other_team):
    return [manager, teammate, UserFactory(username="zhao", team=other_team)]


@pytest.fixture
def accounts(people):
    manager, teammate, stranger = people
    return [AccountFactory(owner=manager), AccountFactory(owner=manager), AccountFactory(owner=teammate),
            AccountFactory(owner=stranger)]


def first_of_month():
    return timezone.localdate().replace(day=1)


# Days near this month's first (the day before, the first, the last), or anywhere around it;
# done some minutes from the day's start (a day and a half: the day after).
DAYS = st.one_of(st.sampled_from([-1, 0, 1, 30, 31]), st.integers(-45, 70))
DONE_AT = st.one_of(st.none(), st.sampled_from([0, 1439, 1440, -1]), st.integers(-3000, 3000))
TASKS = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 2), DAYS, st.sampled_from([OPEN, DONE, SKIPPED]),
                           DONE_AT), min_size=1, max_size=15)
EDITS = st.lists(st.one_of(
    st.tuples(st.just("snooze"), st.integers(0, 14), DAYS),
    st.tuples(st.just("done"), st.integers(0, 14), st.integers(-3000, 3000)),
    st.tuples(st.just("reopen"), st.integers(0, 14), st.just(0)),
    st.tuples(st.just("owner"), st.integers(0, 14), st.integers(0, 2)),
    st.tuples(st.just("move"), st.integers(0, 14), st.integers(0, 3)),
    st.tuples(st.just("delete"), st.integers(0, 14), st.just(0)),
), max_size=10)
RANDOM = settings(max_examples=30, deadline=None,
                  suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def moment(day, minutes):
    return timezone.make_aware(datetime.combine(day, time.min)) + timedelta(minutes=minutes)


def edit(made, accounts, people, what, index, value):
    rows = CareTask.objects.filter(pk=made[index % len(made)])
    task = rows.first()
    if task is None:
        return
    if what == "snooze":
        rows.update(due_on=first_of_month() + timedelta(days=value))
    elif what == "done":
        rows.update(status=DONE, done_at=moment(task.due_on, value))
    elif what == "reopen":
        rows.update(status=OPEN)  # done_at stays, as a reopened task keeps it
    elif what == "owner":
        rows.update(owner=people[value])
    elif what == "move":
        rows.update(account=accounts[value])
    else:
        rows.delete()


@RANDOM
@given(tasks=TASKS, edits=EDITS, now_minutes=st.integers(-45 * 1440, 70 * 1440))
def test_the_care_facts_and_the_evaluation_on_them_equal_the_tasks(
        monkeypatch, accounts, people, manager, supervisor, admin, tasks, edits, now_minutes):
    """Random tasks (days on a month's edge, done on the day, the day after or not at all,
    skipped), randomly moved to another day, done, reopened, handed over, moved and deleted: the
    facts are the tasks counted anew, a recomputation finds nothing missed, and the evaluation of
    last, this and next month at a random moment equals the live count for each persona."""
    CareTask.objects.all().delete()
    start = first_of_month()
    made = []
    for n, (account_index, owner_index, days, status, done_minutes) in enumerate(tasks):
        due_on = start + timedelta(days=days)
        done_at = None if status == OPEN and done_minutes is None else moment(due_on, done_minutes or 0)
        made.append(CareTask.objects.create(
            kind="custom", occasion=f"random-{n}", account=accounts[account_index], owner=people[owner_index],
            due_on=due_on, status=status, done_at=done_at, outcome="Not needed" if status == SKIPPED else "").pk)
    for what, index, value in edits:
        edit(made, accounts, people, what, index, value)
    assert facts_now() == expected_facts()
    assert facts_refresh() == 0

    now = moment(start, now_minutes)
    months = [(start - timedelta(days=1)).replace(day=1), start, (start + timedelta(days=32)).replace(day=1)]
    for user in (manager, supervisor, admin):
        scope = analytics.scope(user)
        for month in months:
            from_facts = analytics.evaluation(scope, month=month, now=now)
            with monkeypatch.context() as patched:
                patched.setattr(analytics, "care_done_due_sql", live_care_done_due_sql)
                assert from_facts == analytics.evaluation(scope, month=month, now=now)
