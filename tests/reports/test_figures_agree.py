"""Issue 16: every figure is defined once (accounts/metrics.py), so the same account, team and
period show the same figure on every page that shows it. Each page is rendered through the test
client and its figure read from the page's context (and, for the account page, its HTML).

The story, hand-checked, on Sunday 1 March 2026, 09:00 in Shanghai:
li's account Haier (tier C: one e-mail or SMS a calendar month) has these orders —
   2024-06-10   30,000   the 12 months before (2 Mar 2024 – 1 Mar 2025)
   2025-03-01   40,000   the 12 months before: exactly a year ago is not "the last 12 months"
   2025-09-15  100,000   last 12 months (2 Mar 2025 – 1 Mar 2026)
   2026-03-01   20,000   last 12 months: today counts
   2026-03-20  150,000   dated in the future: in no figure until its day (K-08)
so last 12 months 120,000, the 12 before 70,000, growth 71.43 %, orders to date 190,000.
Haier's last e-mail was on 20 January (due again by 28 February: overdue now, and not kept in
February); a mailing logged for 10 March has not happened yet. li's other account Midea (tier C
too) had an e-mail on 25 February (due by 31 March: kept). The review proposes Haier C → B.
li's care this month: one task done today (on time), one open for today (not late until the day is
over), one open for the 25th (not due yet). Issues: three open, due on the 2nd, 3rd and 4th (not
due yet: no "0/3" on the 1st), one due on the 3rd already answered (on time).
"""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import metrics
from care.models import CareTask
from reports.models import Target
from tests.clock import SHANGHAI, frozen
from tests.factories import AccountFactory, ContactFactory, OrderFactory
from tiering.models import AccountTier, Tier
from tiering.services import tier_evaluate, tier_review_open
from visits.models import CustomerIssue
from visits.services import visit_log

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("first_of_march")]
TODAY = date(2026, 3, 1)


@pytest.fixture
def first_of_march():
    with frozen(2026, 3, 1):  # the clock stands still: every page is read at the same moment
        yield


def at(day, hour=10):
    return datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


@pytest.fixture
def story(manager, supervisor, default_tiers):
    haier = AccountFactory(name="Haier", owner=manager, kind="strategic", potential=5)
    midea = AccountFactory(name="Midea", owner=manager, kind="standard")
    for account, code in ((haier, "C"), (midea, "C")):
        AccountTier.objects.create(account=account, tier=Tier.objects.get(code=code),
                                   set_at=at(date(2025, 6, 1)))
        ContactFactory(account=account)
    for signed_on, amount in [(date(2024, 6, 10), 30_000), (date(2025, 3, 1), 40_000),
                              (date(2025, 9, 15), 100_000), (TODAY, 20_000), (date(2026, 3, 20), 150_000)]:
        OrderFactory(account=haier, signed_on=signed_on, amount=Decimal(amount))
    visit_log(account=haier, by=manager, occurred_at=at(date(2026, 1, 20)), channel="email",
              purpose="News", summary="Sent", customer_replied=True)
    visit_log(account=haier, by=manager, occurred_at=at(date(2026, 3, 10)), channel="email",
              purpose="Planned mailing", summary="Not yet", customer_replied=True)
    visit_log(account=midea, by=manager, occurred_at=at(date(2026, 2, 25)), channel="email",
              purpose="News", summary="Sent", customer_replied=True)
    care = [(TODAY, True), (TODAY, False), (date(2026, 3, 25), False)]
    for n, (due_on, done) in enumerate(care):
        CareTask.objects.create(kind="custom", account=haier, owner=manager, occasion=f"t{n}", title=f"t{n}",
                                due_on=due_on, status="done" if done else "open",
                                done_at=timezone.now() if done else None, outcome="ok" if done else "")
    visit = visit_log(account=haier, by=manager, occurred_at=at(date(2026, 2, 27)), channel="on_site",
                      purpose="Visit", summary="Open points", customer_replied=True,
                      issues=[{"kind": "request", "description": f"Point {n}"}
                              for n in range(4)])
    issues = list(visit.issues.order_by("pk"))
    for issue, day in zip(issues, [2, 3, 4, 3], strict=True):
        CustomerIssue.objects.filter(pk=issue.pk).update(due_at=at(date(2026, 3, day), 18))
    CustomerIssue.objects.filter(pk=issues[-1].pk).update(status="informed", resolution="Sent",
                                                          informed_at=timezone.now() - timedelta(hours=1))
    Target.objects.create(month=TODAY, metric="revenue", team=manager.team, value=Decimal(310_000),
                          set_by=supervisor)
    Target.objects.create(month=TODAY, metric="visits", team=manager.team, value=Decimal(31), set_by=supervisor)
    # The quarterly review: C is proposed up to B (growth of 10 % or more), with its evidence.
    tier_evaluate()
    tier_review_open(team=manager.team, year=2026, quarter=1)
    return {"haier": haier, "midea": midea}


def pages(client, user, path, **query):
    client.force_login(user)
    page = client.get(reverse(path, **query.pop("url", {})), query)
    assert page.status_code == 200
    return page


def test_orders_in_the_last_12_months_are_one_figure_on_every_page(client, manager, supervisor, story):
    """K-08, K-32, K-52, K-54: the account page, the tier review, concentration, value and operating."""
    haier = story["haier"]
    account_page = pages(client, manager, "accounts:detail", url={"args": [haier.pk]})
    figures = account_page.context["figures"]
    [proposal] = [p for p in pages(client, supervisor, "tiering:review").context["proposals"] if p.account == haier]
    concentration = pages(client, manager, "reports:concentration").context["result"]
    [(_n, _name, _pk, in_concentration, _share)] = [row for row in concentration.top if row[2] == haier.pk]
    [value] = [v for v in pages(client, manager, "reports:value").context["top"] if v.id == haier.pk]
    [operating] = [r for r in pages(client, manager, "reports:operating").context["rows"] if r.id == haier.pk]

    last12 = {"account page": figures.own_total_12m, "tier review": Decimal(str(proposal.evidence["order_12m"])),
              "concentration": in_concentration, "value": value.last12, "operating": operating.last12}
    assert last12 == dict.fromkeys(last12, Decimal(120_000))
    assert 'data-figure="orders-12m">¥120,000.00<' in account_page.content.decode()
    before = {"tier review": Decimal(str(proposal.evidence["order_prev_12m"])), "value": value.prev12,
              "operating": operating.prev12}
    assert before == dict.fromkeys(before, Decimal(70_000))
    assert (figures.own_total, value.to_date) == (Decimal(190_000), Decimal(190_000))
    growth = {"tier review": round(Decimal(str(proposal.evidence["growth"])), 1), "value": value.change,
              "operating": operating.change}
    assert growth == dict.fromkeys(growth, Decimal("71.4"))


def test_the_future_dated_order_counts_nowhere_not_even_in_a_period_reaching_past_today(client, manager, story):
    """K-54: a period that ends after today counts only its past (the 150,000 of 20 March is not revenue)."""
    result = pages(client, manager, "reports:concentration", start="2026-03-01", end="2026-12-31").context["result"]
    assert result.total == Decimal(20_000)


def test_cadence_kept_is_the_cadence_boards_rule_in_the_evaluation_and_dashboards(client, manager, supervisor,
                                                                                  story):
    """K-30, K-55: overdue on the board is "not kept" in the evaluation, and the other way round."""
    board = pages(client, manager, "tiering:cadence").context["rows"]
    overdue = {account.name for account, needs in board if any(need.overdue for need in needs)}
    assert overdue == {"Haier"}  # the mailing logged for 10 March has not happened yet
    for account, needs in board:  # the account page's tier panel says the same
        panel = pages(client, manager, "accounts:detail", url={"args": [account.pk]}).context["needs"]
        assert [(n.due_on, n.overdue) for n in panel] == [(n.due_on, n.overdue) for n in needs]
    [li] = [r for r in pages(client, supervisor, "reports:evaluation").context["rows"] if r.manager_id == manager.pk]
    assert (li.kept, li.accounts) == (len(board) - len(overdue), len(board)) == (1, 2)
    dashboard = pages(client, manager, "home").context
    assert {a.name for a in dashboard["cadence_overdue"]} == overdue
    team = {person.pk: late for person, _visits, late in pages(client, supervisor, "home").context["people"]}
    assert team[manager.pk] == len(overdue)
    # February, judged at its end: Haier's e-mail of 20 January was due again by 28 February.
    [february] = [r for r in pages(client, supervisor, "reports:evaluation", month="2026-02").context["rows"]
                  if r.manager_id == manager.pk]
    assert (february.kept, february.accounts) == (1, 2)


def test_items_not_yet_due_are_no_failures_in_the_evaluation_nor_on_the_dashboard(client, manager, supervisor,
                                                                                   story):
    """K-22, K-44, K-55: on the 1st, the issues due on the 2nd–4th are not "0/3"; care due later isn't late."""
    [li] = [r for r in pages(client, supervisor, "reports:evaluation").context["rows"] if r.manager_id == manager.pk]
    assert (li.issues_on_time, li.issues_due) == (1, 1)  # only the one already answered
    assert (li.care_on_time, li.care_due) == (1, 1)      # the one done today
    care = pages(client, supervisor, "home").context["care"]
    assert care == {"due": li.care_due, "on_time": li.care_on_time}


def test_target_weeks_that_have_not_begun_show_no_actual(client, manager, supervisor, story):
    """K-53: on 1 March, week 1 has today's 20,000 (not the 150,000 dated the 20th); weeks 2–5 show none."""
    rows = pages(client, supervisor, "reports:targets", month="2026-03").context["rows"]
    progress = {p.target.metric: p for p, _actual_line, _expected_line in rows}
    assert progress["revenue"].weeks == [Decimal(20_000), None, None, None, None]
    assert progress["revenue"].actual == Decimal(20_000)
    assert progress["visits"].weeks == [0, None, None, None, None]  # the mailing of 10 March is to come
    team = {person.pk: visits for person, visits, _late in pages(client, supervisor, "home").context["people"]}
    mine = pages(client, manager, "home").context["visits_this_month"]
    assert team[manager.pk] == mine == progress["visits"].actual == 0


def test_the_definitions_in_words():
    """The windows of README "Metric definitions", including the leap day."""
    assert metrics.last_12_months(TODAY) == metrics.Window(date(2025, 3, 2), TODAY)
    assert metrics.previous_12_months(TODAY) == metrics.Window(date(2024, 3, 2), date(2025, 3, 1))
    assert metrics.last_12_months(date(2028, 2, 29)).start == date(2027, 3, 1)
    assert metrics.period(date(2026, 3, 1), date(2026, 12, 31), today=TODAY).end == TODAY
    assert [w.end.day for w in metrics.weeks_of(date(2026, 2, 1))] == [7, 14, 21, 28]
    assert [w.end.day for w in metrics.weeks_of(date(2026, 3, 1))] == [7, 14, 21, 28, 31]
    assert metrics.on_time(at(TODAY, 23), TODAY) and not metrics.on_time(at(date(2026, 3, 2), 0), TODAY)


# home: the supervisor's dashboard, +1 for the count behind its issues' "+N more" (issue 16 item 9),
# +1 for the green-channel requests in progress (issue 21)
@pytest.mark.parametrize(("path", "bound"), [("reports:evaluation", 14), ("reports:targets", 14), ("home", 18)])
def test_the_pages_that_judge_the_month_cost_a_fixed_number_of_queries(client, supervisor, story, path, bound,
                                                                      django_assert_max_num_queries):
    """Judging due dates and cadence in SQL adds no statement: the bounds of test_reports and
    test_dashboards."""
    client.force_login(supervisor)
    with django_assert_max_num_queries(bound):
        assert client.get(reverse(path)).status_code == 200


def test_the_reviews_evidence_says_its_day_and_follows_the_next_run(client, manager, supervisor, story):
    """K-32: a pending proposal's figures are refreshed by each evaluation and say which day they are
    of, so the review and the account page agree once the nightly run has measured a new order."""
    haier = story["haier"]
    OrderFactory(account=haier, signed_on=TODAY, amount=Decimal(5_000))
    assert tier_evaluate() == 1  # the same proposal, its evidence renewed
    assert tier_evaluate() == 0  # nothing new on a second run
    page = pages(client, supervisor, "tiering:review")
    [proposal] = [p for p in page.context["proposals"] if p.account == haier]
    assert proposal.evidence["as_of"] == "2026-03-01" and "Measured on 2026-03-01." in page.content.decode()
    figures = pages(client, manager, "accounts:detail", url={"args": [haier.pk]}).context["figures"]
    assert Decimal(str(proposal.evidence["order_12m"])) == figures.own_total_12m == Decimal(125_000)
