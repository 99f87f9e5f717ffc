"""K-32: a tier proposal explains itself to the supervisor who decides it: which rule placed the
account (its number and label), each measured value against the rule's threshold, and why the
better tiers' rules do not hold; a rejection says why and stays in the account's history; a tier
set by hand is flagged when the rules disagree; the rules preview tells what an edit moves apart
from what today's rules already propose."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account
from tests.factories import AccountFactory, OrderFactory, tender_at, with_tender
from tiering.evidence import explain, explanation_text
from tiering.models import AccountTier, Rule, Tier, TierChange, TierProposal
from tiering.services import account_tier_override, tier_evaluate, tier_review_open

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_day")]


def tier(code):
    return Tier.objects.get(code=code)


def tiers():
    return {t.pk: t for t in Tier.objects.all()}


def pending(account):
    return TierProposal.objects.get(account=account, status=TierProposal.Status.PENDING)


def why(proposal):
    return explain(proposal.evidence, tiers=tiers(), to_tier=proposal.to_tier, rule_position=proposal.rule_position)


def orders(account, *, this_year, last_year=0):
    today = timezone.localdate()
    if this_year:
        OrderFactory(account=account, signed_on=today - timedelta(days=30), amount=Decimal(this_year))
    if last_year:
        OrderFactory(account=account, signed_on=today - timedelta(days=400), amount=Decimal(last_year))


@pytest.fixture
def haier(manager):
    """Haier: a C account that has just opened a tender, so the rules propose B."""
    account = AccountFactory(name="Haier", owner=manager)
    tier_evaluate()
    tender_at(account)
    tier_evaluate()
    return account


@pytest.fixture
def shrinker(manager):
    """An A account whose orders fell from 1,000,000 to 40,000 (−96 %) while four others buy more."""
    account = AccountFactory(name="Shrinker", owner=manager, potential=5)
    orders(account, this_year=1_000_000)
    for i in range(4):
        orders(AccountFactory(name=f"Buyer {i}"), this_year=500_000 + i)
    tier_evaluate()
    assert AccountTier.objects.get(account=account).tier == tier("A")
    account.orders.all().delete()
    orders(account, this_year=40_000, last_year=1_000_000)
    tier_evaluate()
    return account


# --- what a proposal says ------------------------------------------------------------------------


def test_k32_an_upgrade_names_the_rule_and_the_value_that_met_it(haier):
    proposal = pending(haier)

    reading = why(proposal)

    assert reading.placed.headline == "Rule 2 (an opportunity in a tender stage) places it in B."
    assert [(c.text, c.holds) for c in reading.placed.checks] == [
        ("an opportunity in a tender stage (the rule asks for one)", True)]
    # Why not A: rule 1's conditions the account does not meet, each against its threshold.
    [not_a] = reading.missed
    assert not_a.headline.startswith("Rule 1 (potential at least 4 of 5; in the top 20% of accounts by revenue)")
    assert [c.text for c in not_a.checks] == [
        "potential not rated (the rule asks for at least 4 of 5)",
        "no orders in the last 12 months, so not ranked by revenue (the rule asks for the top 20%)"]


def test_k32_a_downgrade_says_which_threshold_the_account_no_longer_meets(shrinker):
    proposal = pending(shrinker)

    reading = why(proposal)

    assert (proposal.from_tier, proposal.to_tier) == (tier("A"), tier("C"))
    assert reading.placed.headline == "No rule holds, so it goes to the default tier C."
    texts = [c.text for r in reading.missed for c in r.checks]
    assert ("by revenue in the last 12 months, among the top 100% of accounts (the rule asks for the top 20%)"
            in texts)
    assert "orders in the last 12 months: 40,000 (the rule asks for at least 1,000,000)" in texts
    assert "growth on the 12 months before: -96% (the rule asks for at least 10%)" in texts


def test_k32_a_rules_label_is_its_name_in_the_review(haier, admin):
    before = pending(haier)
    Rule.objects.filter(rule_set__is_active=True, position=2).update(label="Opens a tender")

    assert tier_evaluate() == 1  # the pending proposal's evidence follows the rules it reads

    assert pending(haier).pk == before.pk
    assert why(pending(haier)).placed.headline == "Rule 2 “Opens a tender” places it in B."


def test_k32_evidence_from_before_the_rules_were_recorded_still_reads(haier):
    proposal = pending(haier)
    proposal.evidence = {"order_12m": 0, "growth": None, "in_tender": True}

    assert why(proposal).placed.headline == "Rule 2 places it in B."


# --- overrides ----------------------------------------------------------------------------------


def test_k32_the_account_page_shows_rules_say_a_to_c_for_an_override(client, shrinker, supervisor):
    account_tier_override(account=shrinker, tier=tier("A"), by=supervisor, reason="Our flagship customer")
    tier_evaluate()
    client.force_login(supervisor)

    page = client.get(shrinker.get_absolute_url()).content.decode()

    assert "Set by hand to A; the rules say C. The quarterly review looks at it again." in page


def test_k32_the_review_flags_a_proposal_against_an_override(client, shrinker, supervisor, team):
    account_tier_override(account=shrinker, tier=tier("A"), by=supervisor, reason="Our flagship customer")
    tier_evaluate()
    review = tier_review_open(team=team, year=2026, quarter=1, by=supervisor)
    client.force_login(supervisor)

    page = client.get(reverse("tiering:review"), {"review": review.pk}).content.decode()

    assert "Against a tier set by hand." in page
    assert "Set by hand to A; the rules say C." in page
    assert "Our flagship customer" in page
    assert "-96%" in page


# --- the review page ----------------------------------------------------------------------------


@pytest.fixture
def review(haier, team, supervisor):
    return tier_review_open(team=team, year=2026, quarter=1, by=supervisor)


def test_k32_the_review_page_puts_the_evidence_in_words(client, review, supervisor):
    client.force_login(supervisor)

    page = client.get(reverse("tiering:review"), {"review": review.pk}).content.decode()

    assert "Rule 2 (an opportunity in a tender stage) places it in B." in page
    assert "an opportunity in a tender stage (the rule asks for one)" in page
    assert "top 83.33%" not in page and "not ranked: no orders" in page


def test_k32_a_rejection_without_a_reason_is_refused_next_to_the_field(client, review, haier, supervisor):
    client.force_login(supervisor)
    proposal = pending(haier)

    page = client.post(reverse("tiering:proposal-decide", args=[proposal.pk]), {"decision": "reject", "note": " "})

    assert page.status_code == 200
    body = page.content.decode()
    assert 'aria-invalid="true"' in body and "Say why you reject it" in body
    assert pending(haier) == proposal


def test_k32_a_rejection_keeps_its_reason_in_the_accounts_tier_history(client, review, haier, supervisor):
    client.force_login(supervisor)
    proposal = pending(haier)

    answer = client.post(reverse("tiering:proposal-decide", args=[proposal.pk]),
                         {"decision": "reject", "note": "The tender is a formality"})

    assert answer.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.note) == (TierProposal.Status.REJECTED, "The tender is a formality")
    page = client.get(haier.get_absolute_url()).content.decode()
    assert "the rules proposed C → B; rejected" in page and "The tender is a formality" in page
    review_page = client.get(reverse("tiering:review"), {"review": review.pk}).content.decode()
    assert "rejected because: The tender is a formality" in review_page


def test_k32_an_approval_writes_the_rule_into_the_history(client, review, haier, supervisor):
    client.force_login(supervisor)
    client.post(reverse("tiering:proposal-decide", args=[pending(haier).pk]), {"decision": "approve", "note": ""})

    change = TierChange.objects.filter(account=haier).first()
    assert change.reason_display == "Quarterly review: Rule 2 (an opportunity in a tender stage) places it in B."


def test_k32_the_review_page_costs_a_fixed_number_of_queries(client, review, team, supervisor, manager,
                                                             django_assert_max_num_queries):
    client.force_login(supervisor)
    url = reverse("tiering:review")
    # session, user, reviews, proposals with accounts, owners, tier states and tiers, the tiers,
    # teams of the open form, the bell's unread count, …
    with django_assert_max_num_queries(12):
        client.get(url, {"review": review.pk})
    for i in range(10):
        AccountFactory(name=f"Tenderer {i}", owner=manager)
    tier_evaluate()  # their first tier, C
    for tenderer in Account.objects.filter(name__startswith="Tenderer"):
        tender_at(tenderer)
    tier_evaluate()  # C → B proposed
    tier_review_open(team=team, year=2026, quarter=1)
    assert review.proposals.count() == 11
    with django_assert_max_num_queries(12):
        page = client.get(url, {"review": review.pk})
    assert page.content.decode().count("places it in") >= 11


def test_k32_the_review_export_says_why(client, review, supervisor):
    client.force_login(supervisor)

    answer = client.get(reverse("tiering:review"), {"review": review.pk, "format": "csv"})
    export = b"".join(answer.streaming_content).decode("utf-8-sig")

    assert "Rule 2 (an opportunity in a tender stage) places it in B." in export


# --- the rules preview --------------------------------------------------------------------------


def test_k32_the_preview_separates_what_the_edit_moves_from_what_todays_rules_propose(client, admin):
    c = tier("C")
    tenderer = with_tender(AccountFactory(name="Tenderer"))
    promising = AccountFactory(name="Promising", potential=5)
    quiet = AccountFactory(name="Quiet")
    for account in (tenderer, promising, quiet):
        AccountTier.objects.create(account=account, tier=c, set_at=timezone.now())
    client.force_login(admin)

    page = client.post(reverse("tiering:rules"), {
        "rules-TOTAL_FORMS": "2", "rules-INITIAL_FORMS": "0",
        "rules-0-position": "1", "rules-0-tier": tier("A").pk, "rules-0-min_potential": "4",
        "rules-1-position": "2", "rules-1-tier": tier("B").pk, "rules-1-in_tender": "true",
        "preview": "1"})

    result = page.context["preview"]
    assert [(row[1], row[3], row[4]) for row in result.edit_movers] == [("Promising", c.pk, tier("A").pk)]
    assert [(row[1], row[3]) for row in result.already_proposed] == [("Tenderer", tier("B").pk)]
    assert (result.edit_mover_count, result.already_proposed_count) == (1, 1)
    body = page.content.decode()
    assert "What your edit changes: 1 account" in body and "Already proposed by today's rules: 1 account" in body


def test_k32_explanation_text_is_one_paragraph_for_exports(haier):
    text = explanation_text(why(pending(haier)))

    assert text.startswith("Rule 2 (an opportunity in a tender stage) places it in B. an opportunity in a tender stage")
    assert "Rule 1" in text


def test_k32_a_refused_rejection_of_a_proposal_no_review_holds_goes_back_to_the_account(client, haier,
                                                                                         supervisor):
    client.force_login(supervisor)
    proposal = pending(haier)  # no review opened yet

    answer = client.post(reverse("tiering:proposal-decide", args=[proposal.pk]), {"decision": "reject"})

    assert answer.status_code == 302 and answer["Location"] == haier.get_absolute_url()
    assert pending(haier) == proposal


def test_k32_history_rows_from_before_the_keys_read_in_the_readers_language_after_the_upgrade(haier, supervisor):
    """tiering 0005's statements on rows as the old code wrote them: English words frozen in the row."""
    import importlib

    from django.db import connection

    upgrade = importlib.import_module("tiering.migrations.0005_evidence_and_reasons")
    proposal = pending(haier)
    TierProposal.objects.filter(pk=proposal.pk).update(status="approved", decided_at=timezone.now(),
                                                       decided_by=supervisor)
    first = TierChange.objects.get(account=haier)
    TierChange.objects.filter(pk=first.pk).update(reason="First evaluation", reason_key="", reason_params={})
    old = TierChange.objects.create(account=haier, from_tier=tier("C"), to_tier=tier("B"), source="review",
                                    by=supervisor, reason="Quarterly review: orders 12 months 0, open tender")
    with connection.cursor() as cursor:
        cursor.execute(upgrade.FIRST_AS_KEY)
        cursor.execute(upgrade.REVIEW_AS_KEY)

    old.refresh_from_db()
    first.refresh_from_db()
    assert (first.reason_key, first.reason) == ("first", "")
    assert (old.reason_key, old.reason) == ("review", "")
    from django.utils import translation
    with translation.override("zh-hant"):
        assert old.reason_display == "季度復盤：規則 2（有處於投標階段的商機）將其歸入 B。"
