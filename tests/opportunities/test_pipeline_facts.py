"""Issue 19: an admin's forecast and win rates read the pipeline's read model (opportunities.facts) —
cells per stage, month and currency (and owner or tier), kept by triggers on opportunities and
account tiers — and every figure equals the live computation over the opportunities, on random
pipelines, random edits and random periods."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opportunities import facts, selectors
from opportunities.models import ClosedFact, ClosedTierFact, ForecastFact, Opportunity
from tests.factories import AccountFactory, OpportunityFactory, UserFactory, stage

pytestmark = pytest.mark.django_db

CURRENCIES = ["CNY", "HKD", "USD"]
STAGES = ["Lead", "Proposal", "Negotiation", "Tender", "Won", "Lost"]
RANDOM = settings(max_examples=30, deadline=None,
                  suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def both(today, start, end):
    """(from the cells, live) of the forecast and the win rates, as plain tuples."""
    everything = Opportunity.objects.all()

    def flat(forecast, rates):
        undated, months = forecast
        by_tier, by_owner = rates
        return ([(m.month, m.count, m.amount, m.weighted) for m in [undated, *months]],
                [(r.label, r.won, r.lost, r.won_amount) for r in by_tier],
                [(r.label, r.won, r.lost, r.won_amount) for r in by_owner])

    return [flat(selectors.forecast(everything, today=today, every=every),
                 selectors.win_rates(everything, start=start, end=end, every=every)) for every in (True, False)]


@pytest.fixture
def pipeline(manager, teammate, default_tiers):
    from tiering.models import Tier

    other = UserFactory(username="zhao")
    accounts = [AccountFactory(owner=manager), AccountFactory(owner=manager, currency="HKD"),
                AccountFactory(owner=teammate), AccountFactory(owner=other)]
    return accounts, list(Tier.objects.order_by("rank"))


def set_tier(account, tier):
    from tiering.models import AccountTier

    if tier is None:
        AccountTier.objects.filter(account=account).delete()
    else:
        AccountTier.objects.update_or_create(account=account, defaults={"tier": tier, "set_at": timezone.now()})


@RANDOM
@given(data=st.data())
def test_the_admins_forecast_and_win_rates_from_the_cells_equal_the_live_ones(pipeline, data):
    """Random opportunities (stages, currencies, amounts, expected and closing days often on a month's
    edges), random edits — moved, re-dated, re-priced, given to another account, deleted, the accounts
    re-tiered or untiered, a raw UPDATE of many rows — and random periods: the cells give the live
    figures, and a rebuild finds nothing the triggers missed."""
    Opportunity.objects.all().delete()
    accounts, tiers = pipeline
    today = timezone.localdate()
    edge = st.sampled_from([0, -1, 1, 27, 28, 30, 31, -30, -31, -365, -366])
    day = st.one_of(st.none(), edge.map(lambda d: today.replace(day=1) + timedelta(days=d)),
                    st.integers(-500, 400).map(lambda d: today + timedelta(days=d)))
    amount = st.decimals(min_value=Decimal("0"), max_value=Decimal("9999999.99"), places=2)
    for account_index, tier_index in enumerate(data.draw(st.lists(st.integers(-1, 2), min_size=4, max_size=4))):
        set_tier(accounts[account_index], None if tier_index < 0 else tiers[tier_index])
    made = []
    for index, name, value, currency, expected, closed in data.draw(st.lists(st.tuples(
            st.integers(0, 3), st.sampled_from(STAGES), amount, st.sampled_from(CURRENCIES), day, day),
            min_size=1, max_size=20)):
        made.append(OpportunityFactory(account=accounts[index], stage=stage(name), amount=value, currency=currency,
                                       expected_close=expected, closed_on=closed))
    for edit, pick, value in data.draw(st.lists(st.tuples(
            st.sampled_from(["stage", "closed", "amount", "account", "delete", "tier", "raw"]),
            st.integers(0, 100), st.integers(-400, 400)), max_size=6)):
        target = made[pick % len(made)]
        if edit == "tier":
            set_tier(accounts[pick % 4], None if value < -200 else tiers[value % len(tiers)])
        elif edit == "raw":  # a writer outside the ORM, many rows in one statement
            with connection.cursor() as cursor:
                cursor.execute("UPDATE opportunities_opportunity SET closed_on = closed_on + %s, amount = amount + 1",
                               [value % 40])
        elif not Opportunity.objects.filter(pk=target.pk).exists():
            continue
        elif edit == "delete":
            target.delete()
        else:
            changes = {"stage": {"stage": stage(STAGES[pick % len(STAGES)])},
                       "closed": {"closed_on": today + timedelta(days=value), "expected_close": None},
                       "amount": {"amount": Decimal(abs(value)) + Decimal("0.05"), "currency": CURRENCIES[pick % 3]},
                       "account": {"account": accounts[value % 4]}}[edit]
            Opportunity.objects.filter(pk=target.pk).update(**changes)
    for start_shift, length in data.draw(st.lists(st.tuples(edge | st.integers(-500, 100), st.integers(0, 500)),
                                                  min_size=1, max_size=3)):
        start = today.replace(day=1) + timedelta(days=start_shift)
        from_cells, live = both(today, start, start + timedelta(days=length))
        assert from_cells == live
    assert facts.rebuild() == 0


def test_a_load_that_bypassed_the_triggers_is_repaired_by_a_rebuild(pipeline):
    accounts, tiers = pipeline
    set_tier(accounts[0], tiers[0])
    OpportunityFactory(account=accounts[0], stage=stage("Won"), closed_on=timezone.localdate(), amount=10)
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("UPDATE opportunities_opportunity SET amount = 99")
        cursor.execute("SET session_replication_role = DEFAULT")
    today = timezone.localdate()
    assert ClosedFact.objects.get().amount == 10
    assert facts.rebuild() == 3  # the forecast's, the owner's and the tier's cell
    assert ClosedFact.objects.get().amount == ClosedTierFact.objects.get().amount == ForecastFact.objects.get().amount \
        == 99
    from_cells, live = both(today, today - timedelta(days=365), today)
    assert from_cells == live
    assert facts.rebuild() == 0


def test_a_retiered_account_moves_its_closed_opportunities_to_its_new_tier(pipeline):
    accounts, tiers = pipeline
    set_tier(accounts[0], tiers[0])
    OpportunityFactory(account=accounts[0], stage=stage("Won"), closed_on=timezone.localdate())
    OpportunityFactory(account=accounts[0], stage=stage("Lead"))  # open: no tier cell
    assert list(ClosedTierFact.objects.values_list("tier", "opportunities")) == [(tiers[0].pk, 1)]
    set_tier(accounts[0], tiers[1])
    assert list(ClosedTierFact.objects.values_list("tier", "opportunities")) == [(tiers[1].pk, 1)]
    set_tier(accounts[0], None)
    assert not ClosedTierFact.objects.exists()  # the untiered are the total less the tiered
    by_tier, _owners = selectors.win_rates(Opportunity.objects.all(), start=timezone.localdate(),
                                           end=timezone.localdate(), every=True)
    assert [(r.label, r.won) for r in by_tier] == [("", 1)]


@pytest.mark.parametrize(("start", "end", "whole", "edges"), [
    ("2026-03-01", "2026-03-31", ("2026-03-01", "2026-03-01"), []),
    ("2026-03-02", "2026-03-31", None, [("2026-03-02", "2026-03-31")]),
    ("2026-03-15", "2026-06-10", ("2026-04-01", "2026-05-01"),
     [("2026-03-15", "2026-03-31"), ("2026-06-01", "2026-06-10")]),
    ("2025-12-01", "2026-02-28", ("2025-12-01", "2026-02-01"), []),
    ("2026-02-10", "2026-02-20", None, [("2026-02-10", "2026-02-20")]),
    ("2026-01-31", "2026-03-31", ("2026-02-01", "2026-03-01"), [("2026-01-31", "2026-01-31")]),
])
def test_a_period_splits_into_whole_months_and_its_edges(start, end, whole, edges):
    from datetime import date

    def day(text):
        return date.fromisoformat(text)

    assert facts.split(day(start), day(end)) == (
        whole and (day(whole[0]), day(whole[1])), [(day(a), day(b)) for a, b in edges])


def test_the_admin_pages_read_the_cells_at_the_same_query_count(client, admin, pipeline,
                                                                django_assert_max_num_queries):
    accounts, _tiers = pipeline
    OpportunityFactory(account=accounts[0], stage=stage("Won"), closed_on=timezone.localdate(), amount=100)
    OpportunityFactory(account=accounts[1], stage=stage("Proposal"), amount=200)
    client.force_login(admin)
    with django_assert_max_num_queries(10):
        forecast = client.get(reverse("opportunities:forecast"))
    assert forecast.context["undated"].count == 1
    with django_assert_max_num_queries(10):
        rates = client.get(reverse("opportunities:win-rate"))
    assert [(r.won, r.lost) for r in rates.context["by_owner"]] == [(1, 0)]
