"""Tier services (K-30..K-32): the evaluation job proposes and never changes a tier
silently, overrides with their reasons, the supervisor's quarterly decisions with
the history they leave, and rule sets as immutable versions."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Account
from tests.factories import AccountFactory, OrderFactory, TeamFactory
from tiering.models import AccountTier, Rule, RuleSet, Tier, TierChange, TierProposal, TierReview
from tiering.services import (
    account_tier_override,
    account_tier_override_clear,
    rule_set_save,
    tier_evaluate,
    tier_proposal_decide,
    tier_review_open,
    tier_reviews_open,
)

pytestmark = pytest.mark.django_db


# The default rule set v1 (migration 0002): 1. top 20 % by revenue and potential ≥ 4 → A;
# 2. open tender → B; 3. growth ≥ 10 % → B; 4. orders of 1,000,000 in 12 months → B; else C.


def tier(code):
    return Tier.objects.get(code=code)


def state(account):
    return AccountTier.objects.get(account=account)


def big_order(account, amount=2_000_000):
    return OrderFactory(account=account, signed_on=timezone.localdate() - timedelta(days=10), amount=Decimal(amount))


def set_tender(account, value):
    Account.objects.filter(pk=account.pk).update(has_open_tender=value)


def pending(account):
    return TierProposal.objects.get(account=account, status=TierProposal.Status.PENDING)


@pytest.fixture
def account(manager):
    """Haier, evaluated once: a C account without orders or tenders."""
    haier = AccountFactory(name="Haier", owner=manager)
    tier_evaluate()
    return haier


@pytest.fixture
def proposal(account):
    """Haier opened a tender: the rules propose C → B."""
    set_tender(account, True)
    tier_evaluate()
    return pending(account)


# --- K-32: the evaluation job -----------------------------------------------------------------


def test_k32_a_new_account_gets_its_first_tier_directly_without_a_proposal(manager):
    haier = AccountFactory(owner=manager, has_open_tender=True)

    assert tier_evaluate() == 0

    assert (state(haier).tier, state(haier).source) == (tier("B"), AccountTier.Source.INITIAL)
    change = TierChange.objects.get(account=haier)
    assert (change.from_tier, change.to_tier, change.source) == (None, tier("B"), AccountTier.Source.INITIAL)
    assert not TierProposal.objects.filter(account=haier).exists()


def test_k32_a_large_order_is_proposed_with_its_evidence_but_not_applied(account):
    big_order(account)

    assert tier_evaluate() == 1

    proposal = pending(account)
    assert (proposal.from_tier, proposal.to_tier, proposal.rule_position) == (tier("C"), tier("B"), 4)
    assert proposal.rule_set == RuleSet.objects.get(is_active=True)
    assert Decimal(str(proposal.evidence["order_12m"])) == Decimal(2_000_000)
    assert Decimal(str(proposal.evidence["order_prev_12m"])) == 0
    assert proposal.evidence["growth"] is None
    assert proposal.evidence["open_tender"] is False
    assert state(account).tier == tier("C")
    assert TierChange.objects.filter(account=account).count() == 1  # only the first evaluation


def test_k32_evaluating_twice_makes_nothing_new(account):
    big_order(account)
    tier_evaluate()

    assert tier_evaluate() == 0

    assert TierProposal.objects.filter(account=account).count() == 1
    assert TierChange.objects.filter(account=account).count() == 1


def test_k32_the_database_holds_one_pending_proposal_per_account(proposal):
    with pytest.raises(IntegrityError), transaction.atomic():
        TierProposal.objects.create(account=proposal.account, from_tier=tier("C"), to_tier=tier("A"),
                                    rule_set=proposal.rule_set)


def test_k32_a_decided_proposal_does_not_block_a_new_pending_one(proposal, supervisor):
    tier_proposal_decide(proposal=proposal, by=supervisor, approve=False, note="Tender is a formality")

    TierProposal.objects.create(account=proposal.account, from_tier=tier("C"), to_tier=tier("B"),
                                rule_set=proposal.rule_set)


def test_k32_a_pending_proposal_follows_the_numbers(proposal):
    AccountFactory.create_batch(4)  # Haier's orders put it in the top 20 % of five accounts
    Account.objects.filter(pk=proposal.account_id).update(potential=5)
    big_order(proposal.account)

    assert tier_evaluate() == 1

    moved = pending(proposal.account)
    assert moved.pk == proposal.pk
    assert (moved.to_tier, moved.rule_position) == (tier("A"), 1)


def test_k32_when_the_numbers_change_back_the_proposal_is_superseded(proposal):
    set_tender(proposal.account, False)

    tier_evaluate()

    proposal.refresh_from_db()
    assert proposal.status == TierProposal.Status.SUPERSEDED
    assert proposal.decided_at is not None
    assert state(proposal.account).tier == tier("C")


# --- K-32: overrides ---------------------------------------------------------------------------


def test_k32_supervisor_overrides_a_tier_with_a_reason(proposal, supervisor):
    account = proposal.account

    account_tier_override(account=account, tier=tier("A"), by=supervisor, reason="Signing a framework deal")

    current = state(account)
    assert (current.tier, current.source, current.override_reason, current.set_by) == (
        tier("A"), AccountTier.Source.OVERRIDE, "Signing a framework deal", supervisor)
    change = TierChange.objects.filter(account=account).first()
    assert (change.from_tier, change.to_tier, change.source, change.reason, change.by) == (
        tier("C"), tier("A"), AccountTier.Source.OVERRIDE, "Signing a framework deal", supervisor)
    proposal.refresh_from_db()
    assert proposal.status == TierProposal.Status.SUPERSEDED


def test_k32_evaluations_never_change_an_overridden_tier_but_say_what_the_rules_would(account, supervisor):
    account_tier_override(account=account, tier=tier("A"), by=supervisor, reason="Strategic for the region")
    big_order(account)
    set_tender(account, True)

    assert tier_evaluate() == 1

    assert (state(account).tier, state(account).source) == (tier("A"), AccountTier.Source.OVERRIDE)
    flagged = pending(account)
    assert (flagged.from_tier, flagged.to_tier, flagged.against_override) == (tier("A"), tier("B"), True)


def test_k32_an_overridden_a_account_that_shrank_96_percent_is_flagged_at_every_review(manager, supervisor, team):
    """K-32: "an A account that shrinks → down", even when someone set its A by hand."""
    shrinker = AccountFactory(name="Shrinker", owner=manager, potential=5)
    OrderFactory(account=shrinker, signed_on=timezone.localdate() - timedelta(days=400), amount=Decimal(1_000_000))
    OrderFactory(account=shrinker, signed_on=timezone.localdate() - timedelta(days=30), amount=Decimal(40_000))
    tier_evaluate()
    account_tier_override(account=shrinker, tier=tier("A"), by=supervisor, reason="Our flagship customer")

    tier_evaluate()
    first = tier_review_open(team=team, year=2025, quarter=3, by=supervisor)

    flagged = pending(shrinker)
    assert flagged.review == first
    assert (flagged.from_tier, flagged.to_tier, flagged.against_override) == (tier("A"), tier("C"), True)
    assert Decimal(str(flagged.evidence["growth"])) == Decimal(-96)
    tier_proposal_decide(proposal=flagged, by=supervisor, approve=False, note="Their budget returns next year")
    assert state(shrinker).tier == tier("A")  # the override stands…

    tier_evaluate()
    second = tier_review_open(team=team, year=2025, quarter=4, by=supervisor)

    again = pending(shrinker)  # …and the next quarter's review sees it again
    assert (again.review, again.to_tier, again.against_override) == (second, tier("C"), True)


def test_k32_an_override_needs_a_reason(account, supervisor):
    with pytest.raises(ValidationError):
        account_tier_override(account=account, tier=tier("A"), by=supervisor, reason="   ")

    assert (state(account).tier, state(account).source) == (tier("C"), AccountTier.Source.INITIAL)


@pytest.mark.parametrize("who", ["manager", "teammate", "other_supervisor", "outsider"])
def test_k32_only_the_owners_supervisor_or_an_admin_overrides(account, who, request, other_team):
    user = other_team.supervisor if who == "other_supervisor" else request.getfixturevalue(who)

    with pytest.raises(PermissionDenied):
        account_tier_override(account=account, tier=tier("A"), by=user, reason="I think so")

    assert state(account).tier == tier("C")


def test_k32_admin_overrides_any_account(account, admin):
    account_tier_override(account=account, tier=tier("B"), by=admin, reason="Key distributor")

    assert (state(account).tier, state(account).set_by) == (tier("B"), admin)


def test_k32_clearing_an_override_hands_the_account_back_to_the_rules(account, supervisor):
    account_tier_override(account=account, tier=tier("A"), by=supervisor, reason="Board decision")

    account_tier_override_clear(account=account, by=supervisor)

    current = state(account)
    assert (current.tier, current.source, current.override_reason) == (tier("A"), AccountTier.Source.REVIEW, "")
    assert tier_evaluate() == 1
    assert (pending(account).from_tier, pending(account).to_tier) == (tier("A"), tier("C"))


def test_k32_clearing_an_override_is_for_the_supervisor_too(account, supervisor, manager):
    account_tier_override(account=account, tier=tier("A"), by=supervisor, reason="Board decision")

    with pytest.raises(PermissionDenied):
        account_tier_override_clear(account=account, by=manager)

    assert state(account).source == AccountTier.Source.OVERRIDE


# --- K-32: the supervisor decides ---------------------------------------------------------------


def test_k32_approving_a_proposal_changes_the_tier_and_records_the_history(proposal, supervisor):
    decided = tier_proposal_decide(proposal=proposal, by=supervisor, approve=True, note="Tender confirmed")

    assert (decided.status, decided.decided_by, decided.note) == (
        TierProposal.Status.APPROVED, supervisor, "Tender confirmed")
    assert decided.decided_at is not None
    current = state(proposal.account)
    assert (current.tier, current.source, current.set_by) == (tier("B"), AccountTier.Source.REVIEW, supervisor)
    change = TierChange.objects.filter(account=proposal.account).first()
    assert (change.from_tier, change.to_tier, change.by, change.reason, change.source) == (
        tier("C"), tier("B"), supervisor, "Tender confirmed", AccountTier.Source.REVIEW)


def test_k32_an_approval_without_a_note_records_the_evidence_as_the_reason(proposal, supervisor):
    tier_proposal_decide(proposal=proposal, by=supervisor, approve=True)

    change = TierChange.objects.filter(account=proposal.account).first()
    assert (change.reason, change.reason_key) == ("", TierChange.ReasonKey.REVIEW)
    assert change.reason_params["rule"]["position"] == 2
    assert change.reason_display == ("Quarterly review: Rule 2 (an open tender or opportunity) places it in B.")


def test_k32_a_rejection_needs_its_reason_and_keeps_it(proposal, supervisor):
    with pytest.raises(ValidationError) as refused:
        tier_proposal_decide(proposal=proposal, by=supervisor, approve=False, note="  ")
    assert "note" in refused.value.message_dict
    assert pending(proposal.account) == proposal

    tier_proposal_decide(proposal=proposal, by=supervisor, approve=False, note="Tender is a formality")

    proposal.refresh_from_db()
    assert (proposal.status, proposal.note) == (TierProposal.Status.REJECTED, "Tender is a formality")


def test_k32_the_database_refuses_a_rejection_without_a_reason(proposal, supervisor):
    with pytest.raises(IntegrityError), transaction.atomic():
        TierProposal.objects.filter(pk=proposal.pk).update(status=TierProposal.Status.REJECTED, note="")


def test_k32_after_approval_the_rules_have_nothing_more_to_propose(proposal, supervisor):
    tier_proposal_decide(proposal=proposal, by=supervisor, approve=True)

    assert tier_evaluate() == 0
    assert not TierProposal.objects.filter(status=TierProposal.Status.PENDING).exists()


def test_k32_rejecting_a_proposal_leaves_the_tier(proposal, supervisor):
    tier_proposal_decide(proposal=proposal, by=supervisor, approve=False, note="Tender is a formality")

    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by) == (TierProposal.Status.REJECTED, supervisor)
    assert state(proposal.account).tier == tier("C")
    assert TierChange.objects.filter(account=proposal.account).count() == 1


@pytest.mark.parametrize("approve", [True, False])
def test_k32_a_proposal_is_decided_once(proposal, supervisor, admin, approve):
    tier_proposal_decide(proposal=proposal, by=supervisor, approve=approve, note="Seen")

    with pytest.raises(ValidationError):
        tier_proposal_decide(proposal=proposal, by=admin, approve=not approve, note="Seen too")

    proposal.refresh_from_db()
    assert proposal.decided_by == supervisor


def test_k32_a_superseded_proposal_cannot_be_approved(proposal, supervisor):
    set_tender(proposal.account, False)
    tier_evaluate()

    with pytest.raises(ValidationError):
        tier_proposal_decide(proposal=proposal, by=supervisor, approve=True)

    assert state(proposal.account).tier == tier("C")


@pytest.mark.parametrize("who", ["manager", "teammate", "other_supervisor", "outsider"])
def test_k32_only_the_owners_supervisor_or_an_admin_decides(proposal, who, request, other_team):
    user = other_team.supervisor if who == "other_supervisor" else request.getfixturevalue(who)

    with pytest.raises(PermissionDenied):
        tier_proposal_decide(proposal=proposal, by=user, approve=True)

    proposal.refresh_from_db()
    assert proposal.status == TierProposal.Status.PENDING
    assert state(proposal.account).tier == tier("C")


def test_k32_admin_decides_any_proposal(proposal, admin):
    tier_proposal_decide(proposal=proposal, by=admin, approve=True)

    assert state(proposal.account).tier == tier("B")


# --- K-32: the quarterly review -------------------------------------------------------------------


def test_k32_a_review_gathers_its_teams_pending_proposals_only(proposal, team, supervisor, outsider):
    theirs = AccountFactory(owner=outsider, has_open_tender=False)
    decided = AccountFactory(owner=proposal.account.owner)
    tier_evaluate()
    set_tender(theirs, True)
    set_tender(decided, True)
    tier_evaluate()
    tier_proposal_decide(proposal=pending(decided), by=supervisor, approve=False, note="Not yet")

    review = tier_review_open(team=team, year=2025, quarter=4, by=supervisor)

    assert list(review.proposals.all()) == [proposal]
    assert pending(theirs).review is None
    assert (review.opened_by, review.team) == (supervisor, team)


def test_k32_opening_a_review_again_returns_the_same_review_and_adds_new_proposals(proposal, team, supervisor,
                                                                                    manager):
    first = tier_review_open(team=team, year=2025, quarter=4, by=supervisor)
    late = AccountFactory(owner=manager)
    tier_evaluate()
    big_order(late)
    tier_evaluate()

    again = tier_review_open(team=team, year=2025, quarter=4, by=supervisor)

    assert again.pk == first.pk
    assert TierReview.objects.count() == 1
    assert set(again.proposals.all()) == {proposal, pending(late)}


def test_k32_the_quarterly_job_opens_every_teams_review_in_a_fixed_number_of_statements(
        proposal, team, other_team, supervisor, outsider, django_assert_max_num_queries):
    """Issue 19: one INSERT of the missing reviews and one UPDATE gathering every team's proposals,
    not three statements per team; each review holds its own team's proposals only, as one at a
    time would, and opening them again changes nothing."""
    theirs = AccountFactory(owner=outsider, has_open_tender=False)
    tier_evaluate()
    set_tender(theirs, True)
    tier_evaluate()
    teams = [team, other_team, *TeamFactory.create_batch(5)]

    with django_assert_max_num_queries(6):  # savepoint, reviews, gather, reviews read back, release
        reviews = tier_reviews_open(teams=teams, year=2025, quarter=4, by=supervisor)

    assert [r.team for r in reviews] == teams
    assert list(reviews[0].proposals.all()) == [proposal]
    assert list(reviews[1].proposals.all()) == [pending(theirs)]
    assert tier_reviews_open(teams=teams, year=2025, quarter=4) == reviews
    assert TierReview.objects.count() == 7 and reviews[0].opened_by == supervisor


def test_k32_the_database_holds_one_review_per_team_and_quarter(team):
    tier_review_open(team=team, year=2025, quarter=4)

    with pytest.raises(IntegrityError), transaction.atomic():
        TierReview.objects.create(team=team, year=2025, quarter=4)


# --- K-31: rule sets are versions ----------------------------------------------------------------


def test_k31_saving_rules_makes_version_n_plus_1_and_keeps_the_old_one(admin):
    v1 = RuleSet.objects.get(is_active=True)
    before = list(v1.rules.values_list("pk", "position", "tier__code", "min_order_value", "open_tender"))
    rules = list(v1.rules.all())
    rules[3].min_order_value = Decimal(2_000_000)
    rules.pop(1)

    v2 = rule_set_save(rules=rules, by=admin, note="Higher order bar, no tender rule")

    assert (v2.version, v2.is_active, v2.created_by) == (v1.version + 1, True, admin)
    assert list(RuleSet.objects.filter(is_active=True)) == [v2]
    v1.refresh_from_db()
    assert v1.is_active is False
    assert list(v1.rules.values_list("pk", "position", "tier__code", "min_order_value", "open_tender")) == before
    assert list(v2.rules.values_list("position", "tier__code", "min_order_value")) == [
        (1, "A", None), (2, "B", None), (3, "B", Decimal(2_000_000))]


def test_k31_new_rules_are_numbered_in_their_order(admin):
    rules = [Rule(position=7, tier=tier("B"), open_tender=True), Rule(position=3, tier=tier("A"), min_potential=5)]

    saved = rule_set_save(rules=rules, by=admin)

    assert list(saved.rules.values_list("position", "tier__code")) == [(1, "A"), (2, "B")]


def test_k31_evaluation_uses_the_new_active_version(account, admin):
    rule_set_save(rules=[Rule(position=1, tier=tier("A"), kinds=["strategic"])], by=admin)

    assert tier_evaluate() == 1
    assert pending(account).to_tier == tier("A")
    assert pending(account).rule_set.version == 2


def test_k31_an_invalid_rule_saves_nothing(admin):
    with pytest.raises(ValidationError):
        rule_set_save(rules=[Rule(position=1, tier=tier("A"), min_potential=9)], by=admin)

    assert list(RuleSet.objects.values_list("version", "is_active")) == [(1, True)]


@pytest.mark.parametrize("who", ["supervisor", "manager"])
def test_k31_only_admins_change_the_rules(who, request):
    user = request.getfixturevalue(who)

    with pytest.raises(PermissionDenied):
        rule_set_save(rules=[Rule(position=1, tier=tier("A"))], by=user)

    assert list(RuleSet.objects.values_list("version", "is_active")) == [(1, True)]


def test_k31_the_database_holds_one_active_rule_set():
    with pytest.raises(IntegrityError), transaction.atomic():
        RuleSet.objects.create(version=99, is_active=True)


@pytest.mark.parametrize(("language", "words"), [("en", "First evaluation"), ("zh-hans", "首次评定"),
                                                  ("zh-hant", "首次評定")])
def test_k32_the_first_tiers_reason_reads_in_the_readers_language(manager, language, words):
    from django.utils import translation

    haier = AccountFactory(owner=manager)
    tier_evaluate()
    change = TierChange.objects.get(account=haier)
    with translation.override(language):
        assert change.reason_display.startswith(words)  # … and which rule placed it (K-32)
    # Rows written before the reason was a key say it in English; they read the same.
    TierChange.objects.filter(pk=change.pk).update(reason="First evaluation", reason_key="", reason_params={})
    change.refresh_from_db()
    with translation.override(language):
        assert change.reason_display == words


def test_k31_the_default_rules_note_reads_in_chinese():
    from django.utils import translation

    with translation.override("zh-hant"):
        assert RuleSet.objects.get(version=1).note_display == "預設規則（K-30）"


# --- Tiers from values, and the review opened by an admin (issue 14) -----------------------------

def test_k31_tier_save_takes_values_and_replaces_the_cadence(admin):
    from tiering.services import tier_save

    new = tier_save(tier=Tier(), by=admin, code="D", name="Dormant", rank=9, description="", benefits="",
                    is_default=False, requirements=[{"channel_group": "any", "touches": 1, "period": "days",
                                                     "days": 90}])
    assert [(r.channel_group, r.days) for r in new.requirements.all()] == [("any", 90)]
    tier_save(tier=new, by=admin, name="Sleeping", requirements=[
        {"channel_group": "on_site", "touches": 2, "period": "calendar_month", "days": None}])
    new.refresh_from_db()
    assert new.name == "Sleeping"
    assert [(r.channel_group, r.touches) for r in new.requirements.all()] == [("on_site", 2)]


def test_k31_tier_save_refuses_a_bad_requirement_and_keeps_the_old_ones(admin):
    from tiering.services import tier_save

    a = tier("A")
    before = list(a.requirements.values_list("pk", flat=True))
    with pytest.raises(ValidationError):
        tier_save(tier=a, by=admin, requirements=[{"channel_group": "any", "touches": 1, "period": "days",
                                                   "days": None}])
    assert list(a.requirements.values_list("pk", flat=True)) == before


def test_k31_only_admins_save_tiers(supervisor):
    from tiering.services import tier_save

    with pytest.raises(PermissionDenied):
        tier_save(tier=tier("A"), by=supervisor, name="Mine", requirements=[])


def test_k32_an_admin_opens_this_quarter_s_review_after_an_evaluation(admin, team, account):
    from tiering.services import tier_reviews_open_now

    big_order(account)
    made, opened = tier_reviews_open_now(by=admin, team=team)
    today = timezone.localdate()
    assert made == 1 and [(r.team, r.year, r.quarter) for r in opened] == [(team, today.year,
                                                                             (today.month - 1) // 3 + 1)]
    assert TierProposal.objects.get(account=account).review == opened[0]


def test_k32_only_admins_open_a_review(supervisor, team):
    from tiering.services import tier_reviews_open_now

    with pytest.raises(PermissionDenied):
        tier_reviews_open_now(by=supervisor, team=team)
    assert not TierReview.objects.exists()
