"""The tier rules as SQL (K-31, K-32): each condition on its own, the first rule by
position winning, the default tier for the rest, and the live preview that shows
what unsaved rules would do without saving anything."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from tests.factories import AccountFactory, OrderFactory, with_tender
from tiering.engine import _Params, base_params, matched_sql, preview
from tiering.models import AccountTier, Rule, RuleSet, Tier, TierChange, TierProposal

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_day")]  # tests/clock.py



def tier(code):
    return Tier.objects.get(code=code)


def order(account, *, days_ago, amount):
    return OrderFactory(account=account, signed_on=timezone.localdate() - timedelta(days=days_ago),
                        amount=Decimal(amount))


def rule(code="A", position=1, **conditions):
    return Rule(position=position, tier=tier(code), **conditions)


def placements(rules, default_code="C"):
    """{account id: (tier id, rule position, measures…)} as the engine places every live account."""
    params = _Params(base_params())
    sql = matched_sql(rules, tier(default_code).pk, params)
    with connection.cursor() as cursor:
        cursor.execute(sql + " SELECT account_id, proposed, rule_position, order_12m, order_prev_12m, growth"
                             " FROM matched", params.values)
        return {row[0]: row[1:] for row in cursor.fetchall()}


def measures(account):
    """(order_12m, order_prev_12m, growth) of one account."""
    return placements([rule(min_order_value=Decimal(10) ** 12)])[account.pk][2:]


def matched_by(single_rule):
    """The ids of the accounts one rule matches on its own."""
    return {pk for pk, (_tier, position, *_measures) in placements([single_rule]).items() if position is not None}


# --- K-31: each condition alone -------------------------------------------------------


def test_k31_min_order_value_counts_only_the_trailing_12_months():
    recent = AccountFactory(name="Recent buyer")
    order(recent, days_ago=100, amount=600_000)
    old = AccountFactory(name="Buyer of long ago")
    order(old, days_ago=400, amount=600_000)
    AccountFactory(name="Never bought")

    assert matched_by(rule(min_order_value=Decimal(500_000))) == {recent.pk}


def test_k31_order_values_of_the_year_add_up_and_the_threshold_is_inclusive():
    steady = AccountFactory()
    order(steady, days_ago=10, amount=300_000)
    order(steady, days_ago=200, amount=200_000)

    assert matched_by(rule(min_order_value=Decimal(500_000))) == {steady.pk}
    assert measures(steady)[0] == Decimal(500_000)


def test_k31_max_order_value_matches_accounts_below_it_including_those_without_orders():
    small = AccountFactory(name="Small")
    order(small, days_ago=30, amount=100_000)
    big = AccountFactory(name="Big")
    order(big, days_ago=30, amount=600_000)
    none = AccountFactory(name="Nothing yet")

    assert matched_by(rule(max_order_value=Decimal(500_000))) == {small.pk, none.pk}
    assert big.pk not in matched_by(rule(max_order_value=Decimal(600_000)))


def test_k31_an_order_400_days_old_is_last_year_for_growth_not_this_year():
    account = AccountFactory()
    order(account, days_ago=400, amount=100_000)
    order(account, days_ago=30, amount=150_000)

    assert measures(account) == (Decimal(150_000), Decimal(100_000), Decimal(50))


def test_k31_orders_older_than_two_years_count_for_nothing():
    account = AccountFactory()
    order(account, days_ago=800, amount=100_000)

    assert measures(account) == (0, 0, None)


def test_k32_growth_is_measured_against_the_12_months_before():
    grower = AccountFactory(name="Grower")
    order(grower, days_ago=400, amount=100_000)
    order(grower, days_ago=30, amount=150_000)
    shrinker = AccountFactory(name="Shrinker")
    order(shrinker, days_ago=400, amount=100_000)
    order(shrinker, days_ago=30, amount=80_000)
    gone_quiet = AccountFactory(name="Gone quiet")
    order(gone_quiet, days_ago=400, amount=100_000)

    assert matched_by(rule(min_growth=Decimal(10))) == {grower.pk}
    assert matched_by(rule(max_growth=Decimal(-10))) == {shrinker.pk, gone_quiet.pk}
    assert measures(gone_quiet)[2] == Decimal(-100)


def test_k32_an_account_without_previous_orders_has_no_growth_and_no_growth_rule_matches_it():
    newcomer = AccountFactory(name="New customer")
    order(newcomer, days_ago=30, amount=900_000)

    assert measures(newcomer)[2] is None
    assert matched_by(rule(min_growth=Decimal(10))) == set()
    assert matched_by(rule(max_growth=Decimal(10))) == set()


def test_k31_min_potential():
    high = AccountFactory(potential=4)
    highest = AccountFactory(potential=5)
    AccountFactory(potential=3)
    AccountFactory(potential=None)

    assert matched_by(rule(min_potential=4)) == {high.pk, highest.pk}


def test_k31_kinds_restrict_to_the_listed_key_account_kinds():
    economic = AccountFactory(kind="economic")
    group = AccountFactory(kind="group")
    AccountFactory(kind="strategic")
    AccountFactory(kind="standard")

    assert matched_by(rule(kinds=["economic", "group"])) == {economic.pk, group.pk}


def test_k31_no_kinds_means_any_kind():
    accounts = {AccountFactory(kind=kind).pk for kind in ("economic", "standard", "strategic")}

    assert matched_by(rule(kinds=[])) == accounts


@pytest.mark.parametrize("in_tender, expected", [(True, {"tender"}), (False, {"quiet"}), (None, {"tender", "quiet"})])
def test_k32_in_tender_yes_no_or_either(in_tender, expected):
    accounts = {"tender": with_tender(AccountFactory()), "quiet": AccountFactory()}

    assert matched_by(rule(in_tender=in_tender)) == {accounts[name].pk for name in expected}


def test_k30_top_20_percent_by_revenue_is_exactly_the_two_largest_of_ten():
    accounts = []
    for n in range(1, 11):
        account = AccountFactory(name=f"Revenue {n}")
        order(account, days_ago=30, amount=n * 10_000)
        accounts.append(account)

    assert matched_by(rule(top_revenue_percent=Decimal(20))) == {accounts[-1].pk, accounts[-2].pk}


def test_k30_accounts_without_revenue_are_never_in_the_top():
    buyers = set()
    for n in range(1, 11):
        account = AccountFactory(name=f"Revenue {n}")
        order(account, days_ago=30, amount=n * 10_000)
        buyers.add(account.pk)
    AccountFactory(name="No orders")
    stale = AccountFactory(name="Orders of last year only")
    order(stale, days_ago=400, amount=1_000_000)

    assert matched_by(rule(top_revenue_percent=Decimal(100))) == buyers
    assert len(matched_by(rule(top_revenue_percent=Decimal(20)))) == 2


def test_k31_a_rule_needs_every_filled_in_condition():
    both = with_tender(AccountFactory(potential=5))
    AccountFactory(potential=5)
    with_tender(AccountFactory(potential=2))

    assert matched_by(rule(min_potential=4, in_tender=True)) == {both.pk}


# --- K-31: precedence and the default tier ---------------------------------------------


def test_k31_the_first_matching_rule_by_position_wins_even_when_a_later_one_matches():
    both = with_tender(AccountFactory(potential=5))
    rules = [rule("B", position=2, in_tender=True), rule("A", position=1, min_potential=4)]

    assert placements(rules)[both.pk][:2] == (tier("A").pk, 1)

    rules = [rule("B", position=1, in_tender=True), rule("A", position=2, min_potential=4)]
    assert placements(rules)[both.pk][:2] == (tier("B").pk, 1)


def test_k31_accounts_no_rule_matches_go_to_the_default_tier_and_are_counted_as_unmatched():
    AccountFactory(potential=5)
    AccountFactory(potential=1)
    AccountFactory(potential=None)

    result = preview([rule("A", min_potential=4)], tier("C").pk)

    assert result.unmatched == 2
    assert result.per_tier == {tier("A").pk: 1, tier("C").pk: 2}
    assert result.first_matches == {1: 1}


def test_k31_preview_reveals_a_shadowed_rule():
    with_tender(AccountFactory(potential=5))
    with_tender(AccountFactory(potential=2))
    rules = [rule("B", position=1, in_tender=True), rule("A", position=2, in_tender=True, min_potential=4)]

    result = preview(rules, tier("C").pk)

    assert result.raw_matches == {1: 2, 2: 1}
    assert result.first_matches.get(2, 0) == 0
    assert result.first_matches[1] == 2


def test_k31_preview_counts_movers_but_leaves_overrides_out():
    now = timezone.now()
    mover = AccountFactory(potential=5)
    AccountTier.objects.create(account=mover, tier=tier("C"), set_at=now)
    stays = AccountFactory(potential=1)
    AccountTier.objects.create(account=stays, tier=tier("C"), set_at=now)
    overridden = AccountFactory(potential=5)
    AccountTier.objects.create(account=overridden, tier=tier("B"), source="override", override_reason="Board deal",
                               set_at=now)

    result = preview([rule("A", min_potential=4)], tier("C").pk)

    assert result.mover_count == 1
    assert [row[0] for row in result.movers] == [mover.pk]
    assert result.overrides == 1
    assert result.current_per_tier == {tier("C").pk: 2, tier("B").pk: 1}


def test_k32_archived_and_lost_accounts_are_not_evaluated():
    live = AccountFactory(potential=5)
    archived = AccountFactory(potential=5, archived_at=timezone.now())
    lost = AccountFactory(potential=5, status="lost")

    placed = placements([rule("A", min_potential=4)])
    result = preview([rule("A", min_potential=4)], tier("C").pk)

    assert set(placed) == {live.pk}
    assert archived.pk not in placed and lost.pk not in placed
    assert result.per_tier == {tier("A").pk: 1}
    assert result.raw_matches == {1: 1}


def test_k31_preview_saves_nothing():
    AccountFactory(potential=5)
    with_tender(AccountFactory())
    counts = [model.objects.count() for model in (AccountTier, TierChange, TierProposal, RuleSet, Rule)]

    preview([rule("A", min_potential=4), rule("B", position=2, in_tender=True)], tier("C").pk)

    assert [model.objects.count() for model in (AccountTier, TierChange, TierProposal, RuleSet, Rule)] == counts


def test_k31_with_no_rules_every_account_goes_to_the_default_tier():
    AccountFactory()
    AccountFactory(status="at_risk")

    result = preview([], tier("C").pk)

    assert result.per_tier == {tier("C").pk: 2}
    assert result.unmatched == 2 and result.raw_matches == {}
