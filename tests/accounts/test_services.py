"""Accounts: who sees and changes which account (K-05), the account team, profile
freshness (K-02), group roll-ups (K-07), staffing warnings, prospect claims (K-06)
and the database's last word on the rules."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Account, AccountTeamMember, ProspectClaim
from accounts.selectors import account_warnings, duplicate_in_group, group_figures
from accounts.services import (
    account_archive,
    account_create,
    account_profile_review,
    account_restore,
    account_team_set,
    account_touch,
    account_update,
    prospect_claim_decide,
    prospect_claim_file,
    prospect_claim_withdraw,
)
from tests.factories import AccountFactory, OrderFactory, ProspectFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_day")]  # tests/clock.py


# --- K-05: visibility and editing -------------------------------------------------


@pytest.fixture
def account(manager):
    return AccountFactory(name="Haier", owner=manager)


def test_k05_owner_sees_and_edits_their_account(account, manager):
    assert account in Account.objects.visible_to(manager)
    assert account in Account.objects.editable_by(manager)


def test_k05_account_team_member_sees_and_edits(account, outsider):
    AccountTeamMember.objects.create(account=account, user=outsider)
    assert account in Account.objects.visible_to(outsider)
    assert account in Account.objects.editable_by(outsider)


def test_k05_team_colleague_sees_but_cannot_edit(account, teammate):
    assert account in Account.objects.visible_to(teammate)
    assert account not in Account.objects.editable_by(teammate)


def test_k05_supervisor_of_owners_team_sees_and_edits(account, supervisor):
    assert account in Account.objects.visible_to(supervisor)
    assert account in Account.objects.editable_by(supervisor)


def test_k05_outsider_neither_sees_nor_edits(account, outsider, other_team):
    assert account not in Account.objects.visible_to(outsider)
    assert account not in Account.objects.editable_by(outsider)
    assert account not in Account.objects.visible_to(other_team.supervisor)


def test_k05_admin_sees_and_edits_everything(account, admin):
    prospect = ProspectFactory()
    assert {account, prospect} <= set(Account.objects.visible_to(admin))
    assert {account, prospect} <= set(Account.objects.editable_by(admin))


def test_k06_unowned_prospect_is_visible_to_everyone_but_editable_by_no_manager(manager, outsider, supervisor):
    prospect = ProspectFactory(name="Open lead")
    for user in (manager, outsider, supervisor):
        assert prospect in Account.objects.visible_to(user)
        assert prospect not in Account.objects.editable_by(user)


def test_k05_visible_to_lists_each_account_once(account, manager, teammate):
    AccountTeamMember.objects.create(account=account, user=manager)
    AccountTeamMember.objects.create(account=account, user=teammate)
    assert list(Account.objects.visible_to(manager)).count(account) == 1


# --- K-05: creating accounts and their team ---------------------------------------


def test_k05_creator_becomes_owner_of_a_new_customer(manager):
    account = account_create(by=manager, name="BYD", kind=Account.Kind.STRATEGIC)
    assert account.owner == manager


def test_k06_a_new_prospect_stays_unowned(manager):
    prospect = account_create(by=manager, name="Maybe Co.", status=Account.Status.PROSPECT)
    assert prospect.owner is None


def test_k05_an_explicit_owner_is_kept(manager, teammate):
    assert account_create(by=manager, name="Gree", owner=teammate).owner == teammate


def test_k05_owner_is_never_listed_twice_on_the_account_team(manager, teammate):
    account = account_create(by=manager, name="Midea", team_members=[manager, teammate])
    assert list(account.team_members.all()) == [teammate]


def test_k05_setting_the_team_replaces_it(account, teammate, outsider, admin):
    account_team_set(account=account, members=[teammate, outsider])
    account_team_set(account=account, members=[outsider, admin])
    assert set(account.team_members.all()) == {outsider, admin}
    account_team_set(account=account, members=[])
    assert not account.team_members.exists()


# --- Archive, K-02 profile freshness ----------------------------------------------


def test_archived_account_is_hidden_from_active_and_can_be_restored(account, manager):
    account_archive(account=account, by=manager)
    assert account.is_archived and account not in Account.objects.active()
    account_restore(account=account, by=manager)
    assert not account.is_archived and account in Account.objects.active()


def test_k02_three_touches_ask_for_a_profile_review(account):
    for _ in range(3):
        account_touch(account_id=account.pk)
    account.refresh_from_db()
    assert account.touches_since_review == 3
    assert account.needs_profile_review


def test_k02_two_touches_do_not_yet_ask_for_a_review(account):
    account_touch(account_id=account.pk)
    account_touch(account_id=account.pk)
    account.refresh_from_db()
    assert not account.needs_profile_review


def test_k02_touch_counts_in_the_database_not_the_stale_instance(account):
    stale = Account.objects.get(pk=account.pk)
    account_touch(account_id=account.pk)
    account_touch(account_id=stale.pk)
    assert Account.objects.get(pk=account.pk).touches_since_review == 2


def test_k02_profile_review_resets_the_count_and_records_who_and_when(account, manager):
    for _ in range(4):
        account_touch(account_id=account.pk)
    before = timezone.now()
    account_profile_review(account=account, by=manager)
    account.refresh_from_db()
    assert account.touches_since_review == 0 and not account.needs_profile_review
    assert account.profile_reviewed_by == manager
    assert account.profile_reviewed_at >= before


# --- K-07: group accounts --------------------------------------------------------


def test_k07_group_figures_roll_up_three_levels_of_subsidiaries():
    today = timezone.localdate()
    group = AccountFactory(name="Group", kind=Account.Kind.GROUP)
    region = AccountFactory(name="Region", parent=group)
    plant = AccountFactory(name="Plant", parent=region)
    AccountFactory(name="Sibling", parent=group)
    AccountFactory(name="Unrelated")
    OrderFactory(account=group, amount=Decimal("100.00"), signed_on=today)
    OrderFactory(account=region, amount=Decimal("20.00"), signed_on=today - timedelta(days=30))
    OrderFactory(account=plant, amount=Decimal("3.00"), signed_on=today - timedelta(days=364))
    OrderFactory(account=plant, amount=Decimal("4000.00"), signed_on=today - timedelta(days=400))

    figures = group_figures(group)

    assert figures.subsidiaries == 3
    assert figures.order_total == Decimal("4123.00")
    assert figures.order_total_12m == Decimal("123.00")
    # the group's own orders, what its tier is measured on, stand apart (issue 16)
    assert (figures.own_total, figures.own_total_12m) == (Decimal("100.00"), Decimal("100.00"))


def test_k07_a_subsidiary_rolls_up_only_its_own_branch():
    group = AccountFactory()
    region = AccountFactory(parent=group)
    plant = AccountFactory(parent=region)
    OrderFactory(account=group, amount=Decimal("100.00"))
    OrderFactory(account=plant, amount=Decimal("5.00"))
    figures = group_figures(region)
    assert (figures.subsidiaries, figures.order_total) == (1, Decimal("5.00"))


def test_k07_an_account_without_orders_or_subsidiaries_has_zero_figures(account):
    figures = group_figures(account)
    assert (figures.subsidiaries, figures.order_total, figures.order_total_12m) == (0, 0, 0)


def test_k07_an_account_cannot_be_its_own_parent_group(manager):
    group = AccountFactory(kind=Account.Kind.GROUP, owner=manager)
    with pytest.raises(ValidationError):
        account_update(account=group, by=manager, parent=group)


def test_k07_a_group_cannot_become_a_subsidiary_of_its_own_subsidiary(manager):
    holding = AccountFactory(name="Holding", kind=Account.Kind.GROUP, owner=manager)
    region = AccountFactory(name="Region", kind=Account.Kind.GROUP, parent=holding)
    with pytest.raises(ValidationError):
        account_update(account=holding, by=manager, parent=region)


# --- K-05: staffing warnings ------------------------------------------------------


def test_k05_key_account_with_only_its_owner_warns_about_two_managers(account):
    warnings = account_warnings(account, team_size=1)
    assert any("at least two managers" in w for w in warnings)


def test_k05_key_account_with_a_team_and_sponsor_has_no_warnings(manager):
    account = AccountFactory(kind=Account.Kind.STRATEGIC, executive_sponsor="CEO Zhou", owner=manager)
    assert account_warnings(account, team_size=2) == []


def test_k05_standard_account_has_no_staffing_warnings():
    account = AccountFactory(kind=Account.Kind.STANDARD)
    assert account_warnings(account, team_size=1) == []


# --- Duplicates inside a group ----------------------------------------------------


def test_duplicate_name_is_found_case_insensitively_under_the_same_parent():
    group = AccountFactory(name="Group")
    sibling = AccountFactory(name="Shanghai Branch", parent=group)
    assert duplicate_in_group(name="  shanghai BRANCH ", parent=group) == sibling


def test_same_name_under_another_parent_is_not_a_duplicate():
    AccountFactory(name="Shanghai Branch", parent=AccountFactory(name="Group A"))
    assert duplicate_in_group(name="Shanghai Branch", parent=AccountFactory(name="Group B")) is None


def test_an_account_is_not_its_own_duplicate():
    group = AccountFactory()
    me = AccountFactory(name="Branch", parent=group)
    assert duplicate_in_group(name="Branch", parent=group, exclude_pk=me.pk) is None


# --- K-06: prospect claims ----------------------------------------------------------


@pytest.fixture
def prospect(db):
    return ProspectFactory(name="Open lead")


@pytest.fixture
def claim(prospect, manager):
    return prospect_claim_file(account=prospect, by=manager, reason="I met their CIO")


def test_k06_manager_files_a_pending_claim(claim, prospect, manager):
    assert (claim.account, claim.claimant, claim.status) == (prospect, manager, ProspectClaim.Status.PENDING)
    assert claim.reason == "I met their CIO"


def test_k06_a_second_managers_claim_is_refused_naming_the_holder(claim, prospect, manager, teammate):
    with pytest.raises(ValidationError) as error:
        prospect_claim_file(account=prospect, by=teammate)
    assert str(manager) in error.value.messages[0]
    assert prospect.claims.count() == 1


def test_k06_the_database_allows_only_one_active_claim(claim, prospect, teammate):
    with pytest.raises(IntegrityError), transaction.atomic():
        ProspectClaim.objects.create(account=prospect, claimant=teammate)


def test_k06_a_rejected_claim_frees_the_prospect(claim, prospect, supervisor, teammate):
    prospect_claim_decide(claim=claim, by=supervisor, approve=False, note="Chen knows them better")
    second = prospect_claim_file(account=prospect, by=teammate)
    assert second.status == ProspectClaim.Status.PENDING


def test_k06_approval_makes_the_claimant_the_owner(claim, prospect, supervisor, manager):
    decided = prospect_claim_decide(claim=claim, by=supervisor, approve=True)
    prospect.refresh_from_db()
    assert prospect.owner == manager
    assert (decided.status, decided.decided_by) == (ProspectClaim.Status.APPROVED, supervisor)
    assert decided.decided_at is not None


def test_k06_an_approved_prospect_cannot_be_claimed_again(claim, prospect, supervisor, teammate):
    prospect_claim_decide(claim=claim, by=supervisor, approve=True)
    prospect.refresh_from_db()
    with pytest.raises(ValidationError):
        prospect_claim_file(account=prospect, by=teammate)


def test_k06_an_admin_may_decide_any_claim(claim, admin):
    assert prospect_claim_decide(claim=claim, by=admin, approve=False).status == ProspectClaim.Status.REJECTED


@pytest.mark.parametrize("who", ["outsider", "teammate", "manager", "other_supervisor"])
def test_k06_only_the_claimants_supervisor_or_an_admin_decides(request, claim, other_team, who):
    user = other_team.supervisor if who == "other_supervisor" else request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        prospect_claim_decide(claim=claim, by=user, approve=True)
    claim.refresh_from_db()
    assert claim.status == ProspectClaim.Status.PENDING


def test_k06_a_claim_is_decided_only_once(claim, supervisor):
    prospect_claim_decide(claim=claim, by=supervisor, approve=True)
    with pytest.raises(ValidationError):
        prospect_claim_decide(claim=claim, by=supervisor, approve=False)
    claim.refresh_from_db()
    assert claim.status == ProspectClaim.Status.APPROVED


def test_k06_the_claimant_may_withdraw_and_free_the_prospect(claim, prospect, manager, teammate):
    assert prospect_claim_withdraw(claim=claim, by=manager).status == ProspectClaim.Status.WITHDRAWN
    assert prospect_claim_file(account=prospect, by=teammate).claimant == teammate


def test_k06_nobody_else_may_withdraw_a_claim(claim, teammate, supervisor):
    for user in (teammate, supervisor):
        with pytest.raises(PermissionDenied):
            prospect_claim_withdraw(claim=claim, by=user)
    claim.refresh_from_db()
    assert claim.status == ProspectClaim.Status.PENDING


def test_k06_only_prospects_can_be_claimed(account, teammate):
    with pytest.raises(ValidationError):
        prospect_claim_file(account=account, by=teammate)
    assert not account.claims.exists()


def test_k06_supervisor_sees_only_their_teams_pending_claims(claim, supervisor, other_team, admin, outsider):
    other = prospect_claim_file(account=ProspectFactory(), by=outsider)
    assert list(ProspectClaim.objects.pending_for(supervisor)) == [claim]
    assert list(ProspectClaim.objects.pending_for(other_team.supervisor)) == [other]
    assert set(ProspectClaim.objects.pending_for(admin)) == {claim, other}


# --- The database's last word ---------------------------------------------------


@pytest.mark.parametrize("potential", [0, 6])
def test_potential_outside_one_to_five_is_refused_by_the_database(account, potential):
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.filter(pk=account.pk).update(potential=potential)


def test_potential_within_one_to_five_is_stored(account):
    Account.objects.filter(pk=account.pk).update(potential=5)
    account.refresh_from_db()
    assert account.potential == 5


@pytest.mark.parametrize("amount", [Decimal("0"), Decimal("-1.00")])
def test_k08_an_order_must_have_a_positive_amount(account, amount):
    with pytest.raises(IntegrityError), transaction.atomic():
        OrderFactory(account=account, amount=amount)


def test_an_account_cannot_be_its_own_parent(account):
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.filter(pk=account.pk).update(parent=account.pk)


# --- An account's rows are written by services (issue 14) ----------------------------------------

def test_a_competitor_once_per_account_is_refused_by_the_service(account, manager):
    from accounts.models import Competitor
    from accounts.services import account_row_delete, account_row_save

    first = account_row_save(row=Competitor(account=account, name="Rival Soft"), by=manager)
    with pytest.raises(ValidationError):
        account_row_save(row=Competitor(account=account, name="Rival Soft"), by=manager)
    account_row_save(row=Competitor(account=AccountFactory(owner=manager), name="Rival Soft"), by=manager)  # another
    account_row_delete(row=first, by=manager)
    assert not Competitor.objects.filter(account=account).exists()


def test_the_services_ask_the_rule_themselves_whoever_calls_them(manager, outsider):
    """Issue 14: a write refused by the permission rule is refused by the service too, not only
    by the view in front of it (an import, a shell, a future API call it directly)."""
    from django.core.exceptions import PermissionDenied

    from accounts.models import Competitor
    from accounts.services import account_archive, account_row_save
    from contacts.services import contact_create

    account = AccountFactory(owner=manager)
    for write in (lambda: account_update(account=account, by=outsider, name="Taken over"),
                  lambda: account_archive(account=account, by=outsider),
                  lambda: account_row_save(row=Competitor(account=account, name="Rival"), by=outsider),
                  lambda: contact_create(account=account, by=outsider, name="Mole")):
        with pytest.raises(PermissionDenied):
            write()
    account.refresh_from_db()
    assert account.name != "Taken over" and account.archived_at is None
    assert not account.competitors.exists() and not account.contacts.exists()
