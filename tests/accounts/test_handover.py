"""Issue 15 item 2, K-05: people are given work within their own team. An account
moves to another team's manager only through a handover that the receiving team's
supervisor approves (or rejects), recorded on the account's history. Every people
picker offers only the people the user may choose."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from accounts.models import Account, AccountTeamMember, Handover
from accounts.permissions import can_assign, can_decide_handover, can_request_handover
from accounts.services import (
    account_create,
    account_handover_decide,
    account_handover_request,
    account_update,
)
from contacts.models import BuyerRole
from contacts.services import buyer_role_save
from tests.factories import AccountFactory, ContactFactory, TeamFactory, UserFactory
from users.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(manager):
    return AccountFactory(name="Haier", owner=manager)


@pytest.fixture
def other_supervisor(other_team):
    return other_team.supervisor


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def edit_post(account, **changes):
    data = {"name": account.name, "kind": account.kind, "status": account.status, "owner": account.owner_id}
    data.update(changes)
    return data


# --- The pickers offer only one's own team ----------------------------------------------

def test_k05_a_managers_pickers_offer_only_the_own_team(client, manager, teammate, supervisor, outsider, account):
    client.force_login(manager)
    form = client.get(reverse("accounts:edit", args=[account.pk])).context["form"]

    own_team = {manager, teammate, supervisor}
    assert set(form.fields["owner"].queryset) == own_team
    assert set(form.fields["team_members"].queryset) == own_team
    assert set(client.get(reverse("accounts:create")).context["form"].fields["owner"].queryset) == own_team
    contact = ContactFactory(account=account)
    role_form = client.get(reverse("contacts:role-add", args=[contact.pk])).context["form"]
    assert set(role_form.fields["counterpart"].queryset) == own_team
    owner_filter = client.get(reverse("accounts:list")).context["filter"].form.fields["owner"]
    assert set(owner_filter.queryset) == own_team


def test_k05_a_supervisor_picks_from_the_team_they_lead_and_an_admin_from_everyone(
        client, manager, teammate, supervisor, outsider, other_supervisor, admin, account):
    client.force_login(supervisor)
    assert set(client.get(reverse("accounts:edit", args=[account.pk])).context["form"].fields["owner"].queryset) \
        == {manager, teammate, supervisor}

    client.force_login(admin)
    assert set(client.get(reverse("accounts:edit", args=[account.pk])).context["form"].fields["owner"].queryset) \
        == {manager, teammate, supervisor, outsider, other_supervisor}


def test_k05_someone_from_another_team_already_on_the_account_stays_choosable(client, manager, outsider, account):
    """A member who came with a handover or an admin's choice does not break the next save."""
    AccountTeamMember.objects.create(account=account, user=outsider)
    client.force_login(manager)

    response = client.post(reverse("accounts:edit", args=[account.pk]),
                           edit_post(account, industry="Appliances", team_members=[outsider.pk]))

    assert response.status_code == 302
    assert list(account.team_members.all()) == [outsider]


# --- Each refusal -----------------------------------------------------------------------

def test_k05_a_manager_posting_another_teams_owner_directly_is_refused(client, manager, outsider, account):
    client.force_login(manager)

    response = client.post(reverse("accounts:edit", args=[account.pk]), edit_post(account, owner=outsider.pk))

    assert response.status_code == 200
    assert "owner" in response.context["form"].errors
    account.refresh_from_db()
    assert account.owner == manager


def test_k05_a_new_account_cannot_be_given_to_another_team(client, manager, outsider):
    client.force_login(manager)
    response = client.post(reverse("accounts:create"), {"name": "BYD", "kind": "standard", "status": "active",
                                                         "owner": outsider.pk})
    assert "owner" in response.context["form"].errors
    assert not Account.objects.filter(name="BYD").exists()


def test_k05_adding_another_teams_member_to_an_account_team_is_refused(client, manager, teammate, outsider, account):
    client.force_login(manager)

    response = client.post(reverse("accounts:edit", args=[account.pk]),
                           edit_post(account, team_members=[teammate.pk, outsider.pk]))

    assert "team_members" in response.context["form"].errors
    assert not account.team_members.exists()


def test_k05_a_counterpart_from_another_team_is_refused(client, manager, outsider, account):
    contact = ContactFactory(account=account)
    client.force_login(manager)

    response = client.post(reverse("contacts:role-add", args=[contact.pk]), {
        "role": "decision_maker", "influence": 4, "support": 0, "contact_level": 2, "counterpart": outsider.pk})

    assert response.status_code == 200
    assert "counterpart" in response.context["form"].errors
    assert not BuyerRole.objects.filter(contact=contact).exists()


def test_k05_the_services_refuse_too_whatever_form_calls_them(manager, teammate, outsider, account):
    with pytest.raises(ValidationError) as owner:
        account_update(account=account, by=manager, owner=outsider)
    assert "owner" in owner.value.message_dict
    with pytest.raises(ValidationError) as members:
        account_update(account=Account.objects.get(pk=account.pk), by=manager, team_members=[teammate, outsider])
    assert "team_members" in members.value.message_dict
    with pytest.raises(ValidationError):
        account_create(by=manager, name="BYD", owner=outsider)
    with pytest.raises(ValidationError) as counterpart:
        buyer_role_save(role=BuyerRole(contact=ContactFactory(account=account), role="coach", counterpart=outsider),
                        by=manager)
    assert "counterpart" in counterpart.value.message_dict
    assert Account.objects.get(pk=account.pk).owner == manager


def test_k05_an_admin_reassigns_across_teams_directly(client, admin, outsider, account):
    client.force_login(admin)
    response = client.post(reverse("accounts:edit", args=[account.pk]), edit_post(account, owner=outsider.pk))
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.owner == outsider


# --- The handover story -----------------------------------------------------------------

def test_k05_a_handover_is_asked_for_approved_by_the_receiving_supervisor_and_kept_on_the_history(
        client, manager, supervisor, outsider, other_supervisor, account):
    client.force_login(manager)
    detail = client.get(account.get_absolute_url())
    assert reverse("accounts:handover", args=[account.pk]) in detail.content.decode()
    form = client.get(reverse("accounts:handover", args=[account.pk])).context["form"]
    assert list(form.fields["to_owner"].queryset) == [outsider]  # the other teams' people, not my team

    response = client.post(reverse("accounts:handover", args=[account.pk]),
                           {"to_owner": outsider.pk, "reason": "Moved to Guangzhou; the South team serves it"},
                           follow=True)

    assert messages_of(response) == [f"Handover to {outsider} requested; {other_supervisor} decides."]
    handover = Handover.objects.get()
    assert (handover.status, handover.from_owner, handover.to_owner, handover.requested_by) == (
        "pending", manager, outsider, manager)
    assert "waiting for their supervisor" in response.content.decode()
    assert Account.objects.get(pk=account.pk).owner == manager  # nothing moves before the decision

    # My own supervisor cannot decide it: the team that takes the work does.
    client.force_login(supervisor)
    assert list(client.get(reverse("accounts:handovers")).context["pending"]) == []
    assert client.post(reverse("accounts:handover-decide", args=[handover.pk]),
                       {"decision": "approve"}).status_code == 403

    client.force_login(other_supervisor)
    assert client.get(reverse("home")).context["pending_handovers"] == 1  # on the supervisor's dashboard
    queue = client.get(reverse("accounts:handovers"))
    assert list(queue.context["pending"]) == [handover]
    assert reverse("accounts:handovers") in client.get(reverse("accounts:claims")).content.decode()
    response = client.post(reverse("accounts:handover-decide", args=[handover.pk]), {"decision": "approve"},
                           follow=True)

    assert messages_of(response) == [f"Handover of Haier to {outsider}: Approved."]
    account.refresh_from_db()
    assert account.owner == outsider
    record = account.history.order_by("-history_date", "-history_id").first()
    assert (record.owner_id, record.history_user, record.history_change_reason) == (
        outsider.pk, other_supervisor, "Moved to Guangzhou; the South team serves it")
    client.force_login(outsider)
    history = client.get(reverse("accounts:history", args=[account.pk])).content.decode()
    assert "Moved to Guangzhou; the South team serves it" in history
    assert f"<del>{manager}</del> → {outsider}" in history  # by name, not by id


def test_k05_a_rejection_needs_a_reason_and_leaves_the_account_where_it_was(client, manager, outsider,
                                                                           other_supervisor, account):
    handover = account_handover_request(account=account, by=manager, to_owner=outsider, reason="Too busy")
    client.force_login(other_supervisor)

    response = client.post(reverse("accounts:handover-decide", args=[handover.pk]), {"decision": "reject"},
                           follow=True)
    assert messages_of(response) == ["Say why the handover is rejected; the requester reads it."]
    assert Handover.objects.get().status == "pending"

    client.post(reverse("accounts:handover-decide", args=[handover.pk]),
                {"decision": "reject", "note": "No capacity this quarter"})

    handover.refresh_from_db()
    assert (handover.status, handover.decided_by) == ("rejected", other_supervisor)
    assert Account.objects.get(pk=account.pk).owner == manager
    client.force_login(manager)
    mine = client.get(reverse("accounts:handovers"))
    assert "No capacity this quarter" in mine.content.decode()


def test_k05_a_handover_is_decided_once(manager, outsider, other_supervisor, account):
    handover = account_handover_request(account=account, by=manager, to_owner=outsider, reason="Moved")
    account_handover_decide(handover=handover, by=other_supervisor, approve=True)
    with pytest.raises(ValidationError, match="already decided"):
        account_handover_decide(handover=handover, by=other_supervisor, approve=False, note="Changed my mind")


def test_k05_a_stale_request_cannot_move_an_account_that_changed_hands(manager, teammate, outsider,
                                                                       other_supervisor, account):
    handover = account_handover_request(account=account, by=manager, to_owner=outsider, reason="Moved")
    account_update(account=account, by=manager, owner=teammate)
    with pytest.raises(ValidationError, match="changed hands"):
        account_handover_decide(handover=handover, by=other_supervisor, approve=True)
    assert Account.objects.get(pk=account.pk).owner == teammate


def test_k05_an_account_is_not_handed_to_someone_who_has_left(manager, outsider, other_supervisor, account):
    handover = account_handover_request(account=account, by=manager, to_owner=outsider, reason="Moved")
    outsider.is_active = False
    outsider.save()
    with pytest.raises(ValidationError, match="no longer works here"):
        account_handover_decide(handover=handover, by=other_supervisor, approve=True)
    assert Account.objects.get(pk=account.pk).owner == manager


def test_k05_one_pending_handover_per_account_even_in_the_database(client, manager, outsider, other_team, account):
    second = UserFactory(username="lin", team=other_team)
    account_handover_request(account=account, by=manager, to_owner=outsider, reason="Moved")
    with pytest.raises(ValidationError, match="already waiting"):
        account_handover_request(account=account, by=manager, to_owner=second, reason="Or him")
    with pytest.raises(IntegrityError), transaction.atomic():
        Handover.objects.create(account=account, from_owner=manager, to_owner=second,
                                requested_by=manager, reason="Around the service")
    # No second request offered on the page while one waits.
    client.force_login(manager)
    assert reverse("accounts:handover", args=[account.pk]) not in client.get(
        account.get_absolute_url()).content.decode()


def test_k05_a_handover_within_the_team_is_refused_at_the_field(client, manager, teammate, account):
    client.force_login(manager)
    form = client.get(reverse("accounts:handover", args=[account.pk])).context["form"]
    assert teammate not in form.fields["to_owner"].queryset
    with pytest.raises(ValidationError) as refused:
        account_handover_request(account=account, by=manager, to_owner=teammate, reason="Holiday")
    assert "to_owner" in refused.value.message_dict


def test_k05_a_reason_is_required(client, manager, outsider, account):
    client.force_login(manager)
    response = client.post(reverse("accounts:handover", args=[account.pk]), {"to_owner": outsider.pk, "reason": " "})
    assert "reason" in response.context["form"].errors
    assert not Handover.objects.exists()


def test_k05_who_may_ask_for_a_handover(client, manager, teammate, supervisor, outsider, admin, account):
    AccountTeamMember.objects.create(account=account, user=teammate)
    assert can_request_handover(manager, account) and can_request_handover(supervisor, account)
    assert can_request_handover(admin, account)
    client.force_login(teammate)  # serves on the account, does not own it: sees it, may not give it away
    assert client.get(reverse("accounts:handover", args=[account.pk])).status_code == 403
    with pytest.raises(PermissionDenied):
        account_handover_request(account=account, by=teammate, to_owner=outsider, reason="Mine now")
    client.force_login(outsider)  # cannot see the account at all
    assert client.get(reverse("accounts:handover", args=[account.pk])).status_code == 404


def test_k05_a_stranger_to_the_request_gets_404_and_the_requester_403(client, manager, outsider, account):
    handover = account_handover_request(account=account, by=manager, to_owner=outsider, reason="Moved")
    third = TeamFactory(name="North China")
    stranger = UserFactory(username="zhao", team=third)
    for who, status in ((stranger, 404), (third.supervisor, 404), (manager, 403), (outsider, 403)):
        client.force_login(who)
        assert client.post(reverse("accounts:handover-decide", args=[handover.pk]),
                           {"decision": "approve"}).status_code == status, who
    assert not can_decide_handover(manager, handover)
    assert Handover.objects.get().status == "pending"


def test_k05_the_requester_withdraws_after_a_confirmation(client, manager, outsider, account):
    handover = account_handover_request(account=account, by=manager, to_owner=outsider, reason="Moved")
    client.force_login(manager)
    confirm = client.get(reverse("accounts:handover-withdraw", args=[handover.pk]))
    assert confirm.status_code == 200 and "Withdraw the handover of Haier?" in confirm.content.decode()

    response = client.post(reverse("accounts:handover-withdraw", args=[handover.pk]), follow=True)

    assert messages_of(response) == ["Handover request withdrawn."]
    handover.refresh_from_db()
    assert (handover.status, handover.decided_by) == ("withdrawn", manager)
    client.force_login(outsider)
    assert client.get(reverse("accounts:handover-withdraw", args=[handover.pk])).status_code == 403


def test_k05_can_assign_answers_for_one_person(manager, teammate, supervisor, outsider, admin):
    assert can_assign(manager, teammate) and can_assign(manager, supervisor) and can_assign(manager, manager)
    assert not can_assign(manager, outsider)
    assert can_assign(admin, outsider)


def test_the_handover_queue_costs_a_fixed_number_of_queries(client, manager, outsider, other_supervisor,
                                                            django_assert_max_num_queries):
    def fill(n):
        for _ in range(n):
            account_handover_request(account=AccountFactory(owner=manager), by=manager, to_owner=outsider,
                                     reason="Moved")
    fill(1)
    client.force_login(other_supervisor)
    # session, user, expiry (3) = 5; pending count, one page of pending with their people, mine;
    # the bell's unread COUNT (issue 18)
    with django_assert_max_num_queries(9):
        client.get(reverse("accounts:handovers"))
    fill(30)
    with django_assert_max_num_queries(9):
        page = client.get(reverse("accounts:handovers"))
    assert len(page.context["pending"]) == 25


def test_a_handovers_from_and_to_read_as_people_in_chinese_not_as_a_stage_move():
    """"from"/"to" of a handover and of a stage move were one message each: 移出 / 移入 on a handover."""
    with translation.override("zh-hans"):
        assert str(Handover._meta.get_field("from_owner").verbose_name) == "原负责人"
        assert str(Handover._meta.get_field("to_owner").verbose_name) == "接收人"
    with translation.override("zh-hant"):
        assert str(Handover._meta.get_field("to_owner").verbose_name) == "接收人"


# --- The handover's people picker: every other team, found by name (issue 19) ----------------------

def select_options(page, name):
    select = re.search(rf'<select name="{name}".*?</select>', page.content.decode(), re.S).group(0)
    return re.findall(r'<option value="([^"]*)"', select)


def test_the_handover_form_finds_the_receiver_by_name_instead_of_listing_every_team(
        client, manager, teammate, outsider, other_team, account, django_assert_max_num_queries):
    UserFactory.create_batch(30, team=other_team)
    User.objects.update(display_name="李娜")  # no 晓明 by chance
    outsider.display_name = "黄晓明"
    outsider.save()
    client.force_login(manager)

    page = client.get(reverse("accounts:handover", args=[account.pk]))
    assert select_options(page, "to_owner") == [""]  # the 31 others are a search away
    options = reverse("accounts:handover-options", args=[account.pk])
    assert options in page.content.decode()

    client.get(reverse("home"))  # the session's expiry pushed: not the picker's cost
    with django_assert_max_num_queries(5):  # session, user, the account, one page of people
        found = client.get(options, {"q": "晓明"})
    assert [value for value, _label, _detail in found.context["options"]] == [outsider.pk]
    teammates = client.get(options, {"q": teammate.username})
    assert teammates.context["options"] == []  # within the team the owner is changed on the edit page

    refused = client.post(reverse("accounts:handover", args=[account.pk]), {"to_owner": teammate.pk, "reason": "x"})
    assert "to_owner" in refused.context["form"].errors
    unfinished = client.post(reverse("accounts:handover", args=[account.pk]), {"to_owner": outsider.pk})
    assert "reason" in unfinished.context["form"].errors
    assert select_options(unfinished, "to_owner") == ["", str(outsider.pk)]  # the one chosen stays chosen


def test_the_handover_picker_answers_only_who_may_hand_the_account_over(client, teammate, outsider, account):
    options = reverse("accounts:handover-options", args=[account.pk])
    client.force_login(teammate)  # serves beside the owner, may not give it away
    assert client.get(options).status_code == 403
    client.force_login(outsider)  # does not see it
    assert client.get(options).status_code == 404


@pytest.mark.parametrize("query", [{"page": "-3"}, {"page": "abc"}, {"q": "x" * 500}, {"q": "%00"}])
def test_bad_handover_picker_queries_are_answered_not_crashed(client, manager, account, query):
    client.force_login(manager)
    assert client.get(reverse("accounts:handover-options", args=[account.pk]), query).status_code == 200
