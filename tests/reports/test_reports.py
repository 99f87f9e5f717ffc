"""Reports (K-51, K-54, K-55): figures checked against hand-computed fixtures."""

import csv
import io
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from care.models import CareTask
from reports.charts import bars, polyline
from tests.clock import DAY
from tests.factories import AccountFactory, OrderFactory
from tiering.models import AccountTier, Tier
from visits.models import CustomerIssue
from visits.services import monthly_log_submit, visit_log

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_day")]
TODAY = DAY



@pytest.fixture
def revenues(manager):
    """Five accounts with 50, 30, 10, 5 and 5 (thousand) in the last year; the first two are key."""
    accounts = []
    for name, amount, kind in [("A", 50, "strategic"), ("B", 30, "important"), ("C", 10, "standard"),
                               ("D", 5, "standard"), ("E", 5, "standard")]:
        account = AccountFactory(name=name, owner=manager, kind=kind)
        OrderFactory(account=account, amount=Decimal(amount * 1000), signed_on=TODAY - timedelta(days=10))
        accounts.append(account)
    OrderFactory(account=accounts[4], amount=Decimal(999_000), signed_on=TODAY - timedelta(days=500))  # too old
    return accounts


def test_k54_the_top_fifth_of_accounts_brings_half_the_revenue(client, manager, revenues):
    client.force_login(manager)
    result = client.get(reverse("reports:concentration")).context["result"]
    assert (result.total, result.accounts) == (Decimal(100_000), 5)
    assert result.top_share == 50  # the top 20% of 5 accounts is 1 account: 50 of 100
    assert result.key_share == 80  # A and B
    assert result.curve[0] == (0, 0) and result.curve[-1] == (100, 100)
    assert [(n, name, round(share)) for n, name, _pk, _a, share in result.top][:3] == [
        (1, "A", 50), (2, "B", 80), (3, "C", 90)]


def test_k54_the_top_percent_is_a_choice_and_the_period_a_filter(client, manager, revenues):
    client.force_login(manager)
    assert client.get(reverse("reports:concentration"), {"top": 40}).context["result"].top_share == 80
    older = client.get(reverse("reports:concentration"), {"start": str(TODAY - timedelta(days=600)),
                                                          "end": str(TODAY - timedelta(days=400))})
    assert older.context["result"].total == Decimal(999_000)


def test_k54_an_outsider_sees_none_of_our_revenue(client, outsider, revenues):
    client.force_login(outsider)
    assert client.get(reverse("reports:concentration")).context["result"].total == 0


def test_k54_the_export_escapes_formulas(client, manager, revenues):
    revenues[0].name = "=HYPERLINK(\"http://x\")"
    revenues[0].save()
    client.force_login(manager)
    response = client.get(reverse("reports:concentration"), {"format": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[1][1].startswith("'=")


def test_k51_a_touch_converts_when_an_order_follows_within_n_days(client, manager, default_tiers):
    account = AccountFactory(owner=manager)
    AccountTier.objects.create(account=account, tier=Tier.objects.get(code="A"), set_at=timezone.now())
    when = timezone.make_aware(datetime.combine(TODAY - timedelta(days=60), datetime.min.time()))
    visit_log(account=account, by=manager, occurred_at=when, channel="on_site", purpose="Demo", summary="x")
    visit_log(account=account, by=manager, occurred_at=when, channel="wechat", purpose="Ping", summary="x")
    OrderFactory(account=account, signed_on=when.date() + timedelta(days=20))
    client.force_login(manager)
    # the order-based view of before opportunities (issue 22 keeps it beside the pipeline's)
    table = client.get(reverse("reports:conversion"), {"start": str(TODAY - timedelta(days=90)),
                                                        "measure": "orders"}).context["table"]
    assert [(t, c, n, k, rate) for t, c, n, k, rate in table] == [
        ("A", "On-site visit", 1, 1, 100.0), ("A", "WeChat", 1, 1, 100.0)]
    table = client.get(reverse("reports:conversion"), {"start": str(TODAY - timedelta(days=90)),
                                                        "within": 10, "measure": "orders"}).context["table"]
    assert [rate for *_rest, rate in table] == [0, 0]


def test_k55_each_managers_month_is_scored(client, supervisor, manager, default_tiers):
    month = TODAY.replace(day=1)
    kept, missed = AccountFactory(owner=manager), AccountFactory(owner=manager)
    for account in (kept, missed):  # tier A for three months: one on-site visit a month
        AccountTier.objects.create(account=account, tier=Tier.objects.get(code="A"),
                                   set_at=timezone.now() - timedelta(days=90))
    visit = visit_log(account=kept, by=manager, channel="on_site", purpose="Visit", summary="x",
                      issues=[{"kind": "request", "description": "Price list"}])
    visit_log(account=missed, by=manager, channel="phone", purpose="Call", summary="x")  # no on-site: not kept
    issue = visit.issues.get()
    CustomerIssue.objects.filter(pk=issue.pk).update(status="informed", resolution="Sent",
                                                     informed_at=issue.due_at - timedelta(hours=1))
    # done today, still open yesterday's (late), open today's (not late yet: not counted)
    for n, (done, due_on) in enumerate([(True, TODAY), (False, TODAY - timedelta(days=1)), (False, TODAY)]):
        CareTask.objects.create(kind="custom", account=kept, owner=manager, occasion=str(n), title="t",
                                due_on=due_on, status="done" if done else "open",
                                done_at=timezone.now() if done else None, outcome="ok" if done else "")
    monthly_log_submit(author=manager, month=month, by=manager)
    client.force_login(supervisor)
    rows = {r.manager: r for r in client.get(reverse("reports:evaluation")).context["rows"]}
    li = rows[str(manager)]
    assert (li.kept, li.accounts, li.cadence_rate) == (1, 2, 50)
    assert (li.care_on_time, li.care_due, li.care_rate) == (1, 2, 50)
    assert (li.issues_on_time, li.issues_due, li.issue_rate) == (1, 1, 100)
    assert li.sign_off == "submitted" and li.late is False


def test_the_charts_are_plain_svg_coordinates():
    assert polyline([(0, 0), (50, 80), (100, 100)]) == "0.00,100.00 50.00,20.00 100.00,0.00"
    tall, short = bars([("A", 10), ("B", 5)])
    assert (tall.height, short.height) == (40, 20) and short.y == 20


@pytest.mark.parametrize("name", ["reports:index", "reports:concentration", "reports:conversion",
                                  "reports:evaluation"])
def test_reports_cost_a_fixed_number_of_queries(client, manager, revenues, name, django_assert_max_num_queries):
    client.force_login(manager)
    # +1 on the value page: the opportunities lost (issue 22)
    with django_assert_max_num_queries(15):
        client.get(reverse(name))
    for n in range(20):
        OrderFactory(account=AccountFactory(owner=manager), signed_on=TODAY - timedelta(days=n))
    with django_assert_max_num_queries(15):
        assert client.get(reverse(name)).status_code == 200


def test_a_report_with_an_impossible_period_says_so_and_keeps_working(client, manager):
    client.force_login(manager)
    page = client.get(reverse("reports:concentration"), {"start": "2026-05-01", "end": "2026-01-01"})
    assert page.status_code == 200 and "start" in page.context["form"].errors




def test_k52_lifetime_value_adds_the_expected_years_of_the_last_years_orders(client, manager):
    account = AccountFactory(name="Steady", owner=manager)
    OrderFactory(account=account, amount=Decimal(100), signed_on=TODAY - timedelta(days=500))
    OrderFactory(account=account, amount=Decimal(60), signed_on=TODAY - timedelta(days=30))
    client.force_login(manager)
    page = client.get(reverse("reports:value"), {"years": 2})
    steady = page.context["top"][0]
    assert (steady.to_date, steady.last12, steady.clv(2), steady.change) == (160, 60, 280, -40.0)


@pytest.mark.parametrize("reader", ["manager", "admin"])  # an admin's scope is every account (Scope.every)
def test_k52_accounts_at_risk_carry_their_reasons(client, manager, default_tiers, reader, request):
    from contacts.services import contact_mark_left
    from tests.factories import BuyerRoleFactory, ContactFactory

    shrinking = AccountFactory(name="Shrinking", owner=manager)
    OrderFactory(account=shrinking, amount=Decimal(100), signed_on=TODAY - timedelta(days=400))
    OrderFactory(account=shrinking, amount=Decimal(50), signed_on=TODAY - timedelta(days=10))
    quiet = AccountFactory(name="Quiet", owner=manager)
    ContactFactory(account=quiet, silent_since=timezone.now())
    orphaned = AccountFactory(name="Orphaned", owner=manager)
    boss = BuyerRoleFactory(contact=ContactFactory(account=orphaned), role="decision_maker").contact
    contact_mark_left(contact=boss, by=manager, left_on=TODAY)
    AccountTier.objects.create(account=quiet, tier=Tier.objects.get(code="A"),
                               set_at=timezone.now() - timedelta(days=90))
    client.force_login(request.getfixturevalue(reader))
    risky = {a.name: [code for code, _d in why] for a, why in client.get(reverse("reports:value")).context["risky"]}
    assert risky == {"Shrinking": ["falling"], "Quiet": ["overdue", "silent"], "Orphaned": ["role_left"]}


def test_k52_churn_counts_accounts_lost_in_each_quarter(client, admin, manager):
    from accounts.models import Account

    kept, lost = AccountFactory(owner=manager), AccountFactory(owner=manager)
    Account.objects.filter(pk__in=[kept.pk, lost.pk]).update(created_at=timezone.now() - timedelta(days=400))
    lost.refresh_from_db()
    lost.status = "lost"
    lost.save()
    client.force_login(admin)
    churn = client.get(reverse("reports:value"), {"start": str(TODAY - timedelta(days=100))}).context["churn"]
    label, at_start, lost_n, rate = churn[-1]
    assert (at_start, lost_n, rate) == (2, 1, 50.0)


def test_k54_operating_analysis_shows_revenue_change_competitors_and_issues(client, manager):
    from accounts.models import Competitor

    account = AccountFactory(name="Busy", owner=manager, potential=4)
    OrderFactory(account=account, amount=Decimal(200), signed_on=TODAY - timedelta(days=400))
    OrderFactory(account=account, amount=Decimal(300), signed_on=TODAY - timedelta(days=5))
    Competitor.objects.create(account=account, name="Rival")
    visit_log(account=account, by=manager, channel="on_site", purpose="x", summary="x",
              issues=[{"kind": "complaint", "description": "Late"}])
    client.force_login(manager)
    row = client.get(reverse("reports:operating")).context["rows"][0]
    assert (row.name, row.last12, row.prev12, row.change, row.potential, row.competitors, row.open_issues) == (
        "Busy", 300, 200, 50.0, 4, 1, 1)


@pytest.mark.parametrize("name", ["reports:value", "reports:operating"])
def test_value_and_operating_reports_cost_a_fixed_number_of_queries(client, manager, revenues, name,
                                                                   django_assert_max_num_queries):
    client.force_login(manager)
    # +1 on the value page: the opportunities lost (issue 22)
    with django_assert_max_num_queries(15):
        client.get(reverse(name))
    for n in range(20):
        OrderFactory(account=AccountFactory(owner=manager), signed_on=TODAY - timedelta(days=n))
    with django_assert_max_num_queries(15):
        assert client.get(reverse(name)).status_code == 200
    assert client.get(reverse(name), {"format": "xlsx"}).status_code == 200


def test_k53_a_supervisor_sets_a_target_and_sees_weekly_progress(client, supervisor, manager, team):
    from reports.models import Target

    account = AccountFactory(owner=manager)
    month = TODAY.replace(day=1)
    first_day = timezone.make_aware(datetime.combine(month, datetime.min.time())) + timedelta(hours=10)
    for days in (0, 1, 8):  # two visits in week 1, one in week 2
        visit_log(account=account, by=manager, occurred_at=first_day + timedelta(days=days), channel="on_site",
                  purpose="x", summary="x")
    client.force_login(supervisor)
    response = client.post(reverse("reports:targets") + f"?month={month:%Y-%m}",
                           {"metric": "visits", "team": team.pk, "value": "10"})
    assert response.status_code == 302
    progress = client.get(reverse("reports:targets"), {"month": f"{month:%Y-%m}"}).context["rows"][0][0]
    assert progress.weeks[:2] == [2, 3] and progress.actual == 3 and progress.percent == 30
    assert progress.expected[-1] == 10
    # the same target twice is refused, at the form
    again = client.post(reverse("reports:targets") + f"?month={month:%Y-%m}",
                        {"metric": "visits", "team": team.pk, "value": "12"})
    assert again.status_code == 200 and again.context["form"].errors
    assert Target.objects.count() == 1


def test_k53_managers_read_targets_but_do_not_set_them(client, manager, team, supervisor):
    from reports.models import Target

    Target.objects.create(month=TODAY.replace(day=1), metric="revenue", team=team, value=100, set_by=supervisor)
    client.force_login(manager)
    page = client.get(reverse("reports:targets"), {"month": TODAY.strftime("%Y-%m")})
    assert len(page.context["rows"]) == 1 and not page.context["can_set"]
    # The page and the team's target are in the manager's sight: acting is refused (403), not hidden.
    assert client.post(reverse("reports:targets"), {"metric": "visits", "value": "5"}).status_code == 403
    target = Target.objects.get()
    assert client.post(reverse("reports:target-delete", args=[target.pk])).status_code == 403
