"""Issue 19 item 4: customer issues on the read model (reports/facts.py ISSUES). Each issue counts in
its account's and owner's month of deadline, with whether the customer was told by it; a trigger on
visits_customerissue keeps that through every write (logged, re-dated, closed, reopened, handed
over, moved, deleted), and the monthly evaluation reads it and equals the live count over the
issues as of any moment — an issue still open before its deadline is no failure yet (K-55)."""

from collections import Counter
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts import metrics
from reports import analytics
from reports.facts import facts_refresh
from reports.models import IssueFact
from tests.factories import AccountFactory, UserFactory
from tests.visits.factories import CustomerIssueFactory, VisitFactory
from visits.models import CustomerIssue

pytestmark = pytest.mark.django_db

STATUSES = list(CustomerIssue.Status.values)
INFORMED = CustomerIssue.Status.INFORMED


def live_issues_due_sql(window, *, now):
    """The evaluation's live count before the read model: every issue due in the month at `now`."""
    due = metrics.falls_due_sql(due="i.due_at", window=window, now=now, day=False, closed=f"i.status = '{INFORMED}'")
    on_time = metrics.on_time_sql(closed_at="i.informed_at", due="i.due_at", day=False)
    return (f"SELECT i.owner_id AS id, count(*) AS due, count(*) FILTER (WHERE {on_time}) AS on_time "
            f"FROM visits_customerissue i WHERE {due} GROUP BY i.owner_id")


def facts_now():
    return {(f.account_id, f.owner_id, f.month): (f.issues, f.on_time) for f in IssueFact.objects.all()}


def expected_facts():
    """The facts counted in Python from the issues (accounts.metrics.on_time): an independent count."""
    cells = Counter()
    for issue in CustomerIssue.objects.all():
        key = (issue.account_id, issue.owner_id, timezone.localdate(issue.due_at).replace(day=1))
        cells[key] += 1
        cells[(*key, "on_time")] += metrics.on_time(issue.informed_at, issue.due_at)
    return {key: (n, cells[(*key, "on_time")]) for key, n in cells.items() if len(key) == 3}


@pytest.fixture
def people(manager, teammate, other_team):
    return [manager, teammate, UserFactory(username="zhao", team=other_team)]


@pytest.fixture
def visits(people):
    """A visit on each of four accounts (the manager's two, a teammate's, another team's), each
    raising the issues below."""
    manager, teammate, stranger = people
    accounts = [AccountFactory(owner=manager), AccountFactory(owner=manager), AccountFactory(owner=teammate),
                AccountFactory(owner=stranger)]
    return [VisitFactory(account=account, author=account.owner) for account in accounts]


def first_of_month():
    return timezone.make_aware(datetime.combine(timezone.localdate().replace(day=1), time.min))


# Deadlines and moments near this month's first minute, or anywhere in the months around it.
MINUTES = st.one_of(st.sampled_from([-1, 0, 1, -3 * 1440, 31 * 1440]), st.integers(-45 * 1440, 70 * 1440))
# How the customer was told, in minutes after the deadline (≤ 0: on time), or not yet.
TOLD = st.one_of(st.none(), st.sampled_from([0, 1, -1]), st.integers(-5000, 5000))
ISSUES = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 2), MINUTES, st.sampled_from(STATUSES), TOLD),
                  min_size=1, max_size=15)
EDITS = st.lists(st.one_of(
    st.tuples(st.just("redate"), st.integers(0, 14), MINUTES),
    st.tuples(st.just("inform"), st.integers(0, 14), st.integers(-5000, 5000)),
    st.tuples(st.just("reopen"), st.integers(0, 14), st.just(0)),
    st.tuples(st.just("owner"), st.integers(0, 14), st.integers(0, 2)),
    st.tuples(st.just("move"), st.integers(0, 14), st.integers(0, 3)),
    st.tuples(st.just("delete"), st.integers(0, 14), st.just(0)),
), max_size=10)
RANDOM = settings(max_examples=30, deadline=None,
                  suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def edit(made, visits, people, what, index, value):
    rows = CustomerIssue.objects.filter(pk=made[index % len(made)])
    issue = rows.first()
    if issue is None:
        return
    if what == "redate":
        rows.update(due_at=first_of_month() + timedelta(minutes=value))
    elif what == "inform":
        rows.update(status=INFORMED, informed_at=issue.due_at + timedelta(minutes=value))
    elif what == "reopen":
        rows.update(status=CustomerIssue.Status.OPEN)  # informed_at stays, as the reopen leaves it
    elif what == "owner":
        rows.update(owner=people[value])
    elif what == "move":  # with its visit, as a merge moves both
        rows.update(account=visits[value].account, visit=visits[value])
    else:
        rows.delete()


@RANDOM
@given(issues=ISSUES, edits=EDITS, now_minutes=MINUTES)
def test_the_issue_facts_and_the_evaluation_on_them_equal_the_issues(
        monkeypatch, visits, people, manager, supervisor, admin, issues, edits, now_minutes):
    """Random issues (deadlines on a month's edge, some told early, late or not at all, some
    reopened), randomly re-dated, closed, handed over, moved and deleted: the facts are the
    issues counted anew, a recomputation finds nothing missed, and the evaluation of last, this
    and next month at a random moment equals the live count for a manager, a supervisor, an admin."""
    CustomerIssue.objects.all().delete()
    start = first_of_month()
    made = []
    for visit_index, owner_index, minutes, status, told in issues:
        due = start + timedelta(minutes=minutes)
        informed_at = None if told is None and status != INFORMED else due + timedelta(minutes=told or 0)
        made.append(CustomerIssueFactory(visit=visits[visit_index], account=visits[visit_index].account,
                                         owner=people[owner_index], due_at=due, status=status,
                                         informed_at=informed_at).pk)
    for what, index, value in edits:
        edit(made, visits, people, what, index, value)
    assert facts_now() == expected_facts()
    assert facts_refresh() == 0

    now = start + timedelta(minutes=now_minutes)
    months = [(start - timedelta(days=1)).date().replace(day=1), start.date(),
              (start + timedelta(days=32)).date().replace(day=1)]
    for user in (manager, supervisor, admin):
        scope = analytics.scope(user)
        for month in months:
            from_facts = analytics.evaluation(scope, month=month, now=now)
            with monkeypatch.context() as patched:
                patched.setattr(analytics, "issues_due_sql", live_issues_due_sql)
                assert from_facts == analytics.evaluation(scope, month=month, now=now)


def test_an_issue_open_before_its_deadline_counts_once_the_deadline_passes(visits, manager):
    """No job runs between: the read model holds the issue from its logging, the evaluation counts
    it as due from the moment its deadline has passed (K-55)."""
    due = first_of_month() + timedelta(days=3, hours=12)
    CustomerIssueFactory(visit=visits[0], account=visits[0].account, owner=manager, due_at=due)
    scope = analytics.scope(manager)

    def li(now):
        [row] = [r for r in analytics.evaluation(scope, month=due.date().replace(day=1), now=now)
                 if r.manager_id == manager.pk]
        return row.issues_due, row.issues_on_time

    assert li(due - timedelta(minutes=1)) == (0, 0)
    assert li(due + timedelta(minutes=1)) == (1, 0)
    CustomerIssue.objects.update(status=INFORMED, informed_at=due - timedelta(hours=1))
    assert li(due - timedelta(minutes=30)) == (1, 1)  # closed before its deadline: counted, on time
