"""K-52: churn broken down by tier, contact frequency and the recorded reasons; and the charts
of the reports (issue 16 item 8): axes, ticks and units, and the same figures as a table."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import LostReason, ObjectionType
from accounts.services import account_update
from reports import charts
from tests.clock import DAY
from tests.factories import AccountFactory, OrderFactory
from tiering.models import AccountTier, Tier
from visits.services import visit_log

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_day")]


def lose(account, by, reason, objection):
    account_update(account=account, by=by, status="lost",
                   lost_reason=LostReason.objects.get_or_create(name_en=reason)[0],
                   objection_type=ObjectionType.objects.get_or_create(name_en=objection)[0])


@pytest.fixture
def churned(manager, default_tiers):
    """Three customers lost today: an A account touched monthly, lost on price; a C account
    touched twice, lost on price; an untiered one never touched, lost to a competitor."""
    a, c, untiered = (AccountFactory(owner=manager, kind="standard") for _ in range(3))
    AccountTier.objects.create(account=a, tier=Tier.objects.get(code="A"), set_at=timezone.now())
    AccountTier.objects.create(account=c, tier=Tier.objects.get(code="C"), set_at=timezone.now())
    for months in range(12):
        visit_log(account=a, by=manager, occurred_at=timezone.now() - timedelta(days=30 * months + 1),
                  channel="on_site", purpose="p", summary="s")
    for days in (10, 200):
        visit_log(account=c, by=manager, occurred_at=timezone.now() - timedelta(days=days), channel="email",
                  purpose="p", summary="s")
    visit_log(account=c, by=manager, occurred_at=timezone.now() - timedelta(days=400), channel="email",
              purpose="p", summary="s")  # more than a year before: not counted
    lose(a, manager, "Price", "Price too high")
    lose(c, manager, "Price", "No budget or wrong timing")
    lose(untiered, manager, "A competitor won", "Prefers a competitor")
    AccountFactory(owner=manager, kind="standard")  # still a customer


def shares(items):
    return {s.label: (s.lost, s.percent) for s in items}


def test_k52_churn_is_broken_down_by_tier_frequency_and_reason(client, supervisor, churned):
    client.force_login(supervisor)
    breakdown = client.get(reverse("reports:value")).context["breakdown"]
    assert breakdown.total == 3
    assert shares(breakdown.by_tier) == {"A": (1, 33.3), "C": (1, 33.3), "Not tiered": (1, 33.3)}
    assert shares(breakdown.by_band) == {"No touch in the year before": (1, 33.3),
                                         "1–3 touches in the year before": (1, 33.3),
                                         "12 or more touches in the year before": (1, 33.3)}
    assert shares(breakdown.by_reason) == {"Price": (2, 66.7), "A competitor won": (1, 33.3)}
    assert list(shares(breakdown.by_reason)) == ["Price", "A competitor won"]  # the largest first
    assert shares(breakdown.by_objection)["Price too high"] == (1, 33.3)


def test_k52_the_breakdown_agrees_with_the_churn_per_quarter(client, supervisor, churned):
    client.force_login(supervisor)
    context = client.get(reverse("reports:value")).context
    assert sum(lost for _q, _start, lost, _rate in context["churn"]) == context["breakdown"].total


def test_k52_an_account_lost_before_the_period_is_not_in_it(client, supervisor, churned):
    client.force_login(supervisor)
    page = client.get(reverse("reports:value"), {"start": (DAY + timedelta(days=1)).isoformat(),
                                                 "end": (DAY + timedelta(days=5)).isoformat()})
    assert page.context["breakdown"].total == 0
    assert "Why customers were lost" in page.content.decode()


def test_k52_another_teams_losses_are_not_in_the_breakdown(client, outsider, churned):
    client.force_login(outsider)
    assert client.get(reverse("reports:value")).context["breakdown"].total == 0


def test_k52_the_value_page_costs_a_fixed_number_of_queries(client, supervisor, churned, manager,
                                                            django_assert_max_num_queries):
    for _ in range(5):
        lose(AccountFactory(owner=manager, kind="standard"), manager, "Service quality", "No trust in us")
    client.force_login(supervisor)
    # session, user, bell, sliding expiry (4); values, churn, at risk, cadence, the breakdown (3),
    # the filter form's choices; the opportunities lost (1 while none is, 3 with reasons to name)
    with django_assert_max_num_queries(17):
        client.get(reverse("reports:value"))


# --- Charts: axes, ticks, units, a table beside -------------------------------------------------

@pytest.mark.parametrize("value, top", [(0, 1), (0.4, 0.5), (7, 10), (18, 20), (23, 25), (40, 50),
                                        (100, 100), (101, 200), (150_000, 200_000)])
def test_an_axis_ends_on_a_round_number(value, top):
    assert charts.nice_top(value) == pytest.approx(top)


def test_a_bar_chart_has_ticks_in_its_unit_and_the_rows_of_its_table():
    chart = charts.bar_chart([("A · WeChat", 25), ("A · On-site", 40)], unit="%")
    assert [t.label for t in chart.ticks] == ["0%", "10%", "20%", "30%", "40%", "50%"]  # steps of 10, not 12.5
    assert [t.pos for t in chart.ticks] == [40, 32, 24, 16, 8, 0]  # from the bottom of the plot up
    assert chart.rows == [("A · WeChat", 25.0), ("A · On-site", 40.0)]
    assert [round(b.height) for b in chart.bars] == [20, 32]  # 25 and 40 of an axis ending at 50
    assert charts.tick_label(1_250_000) == "1,250,000"
    assert [t.label for t in charts.axis_ticks(2_000_000, length=100)][1] == "500,000"
    assert [t.label for t in charts.axis_ticks(5, length=100)] == ["0", "1", "2", "3", "4", "5"]


def test_issue_17_a_money_axis_counts_in_wan_and_yi_for_chinese_readers():
    from django.utils import translation

    with translation.override("zh-hans"):
        assert [t.label for t in charts.axis_ticks(24_000_000, length=100)] == [
            "0", "600万", "1,200万", "1,800万", "2,400万"]
        assert charts.tick_label(250_000_000) == "2.5亿" and charts.tick_label(5_000) == "5,000"
    with translation.override("zh-hant"):
        assert charts.tick_label(300_000_000) == "3億"


def test_a_chart_of_counts_counts_in_whole_numbers_and_a_lone_bar_is_not_a_wall():
    chart = charts.bar_chart([("Price", 3)], whole=True)
    assert [t.label for t in chart.ticks] == ["0", "1", "2", "3"]
    (bar,) = chart.bars
    assert bar.width == charts.MAX_BAR_WIDTH and bar.centre == 50


def test_an_empty_chart_draws_nothing():
    chart = charts.bar_chart([])
    assert not chart and chart.ticks == [] and chart.rows == []


def test_the_progress_line_stops_at_a_week_that_has_not_happened():
    chart = charts.progress_chart([2, 5, None, None], [2.5, 5, 7.5, 10])
    assert len(chart.actual.split()) == 3 and len(chart.expected.split()) == 5  # the origin and each week
    assert [w.label for w in chart.weeks] == ["1", "2", "3", "4"]
    assert [t.label for t in chart.ticks] == ["0", "2", "4", "6", "8", "10"]


def test_the_pareto_table_reads_the_curve_at_a_few_points():
    curve = [(0, 0), (20, 60), (40, 80), (100, 100)]
    assert dict(charts.pareto_table(curve, steps=(10, 20, 50, 100))) == {10: 0, 20: 60, 50: 80, 100: 100}


def test_item8_the_conversion_chart_has_axes_ticks_units_and_a_table(client, supervisor, manager, default_tiers):
    account = AccountFactory(owner=manager)
    AccountTier.objects.create(account=account, tier=Tier.objects.get(code="A"), set_at=timezone.now())
    visit_log(account=account, by=manager, occurred_at=timezone.now() - timedelta(days=20), channel="wechat",
              purpose="p", summary="s")
    OrderFactory(account=account, amount=Decimal(1000), signed_on=DAY - timedelta(days=10))
    client.force_login(supervisor)
    html = client.get(reverse("reports:conversion"), {"measure": "orders"}).content.decode()
    assert 'class="tick"' in html and ">100%</text>" in html  # the y axis, in %
    assert 'class="axis-title"' in html and "Conversion (%)" in html
    assert 'aria-describedby="conversion-table"' in html and 'id="conversion-table"' in html


def test_item8_the_pareto_chart_has_ticks_on_both_axes_and_a_table(client, supervisor, manager):
    for amount in (500, 300, 200):
        OrderFactory(account=AccountFactory(owner=manager), amount=Decimal(amount), signed_on=DAY - timedelta(days=5))
    client.force_login(supervisor)
    page = client.get(reverse("reports:concentration"))
    html = page.content.decode()
    assert html.count('class="tick"') == 12  # 0–100% in steps of 20, on each axis
    assert "Share of accounts, largest first (%)" in html and "Cumulative share of revenue (%)" in html
    assert 'id="pareto-table"' in html and dict(page.context["pareto_table"])[100] == 100


def test_item8_the_target_chart_names_its_axes(client, supervisor, team):
    from reports.models import Target

    Target.objects.create(month=DAY.replace(day=1), metric="revenue", team=team, value=100_000, set_by=supervisor)
    client.force_login(supervisor)
    html = client.get(reverse("reports:targets"), {"month": f"{DAY:%Y-%m}"}).content.decode()
    assert "Week of the month" in html and "Revenue (¥)" in html and ">100,000</text>" in html
