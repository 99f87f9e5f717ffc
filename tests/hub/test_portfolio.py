"""Portfolio handover (issue 23 item 6, K-05) and bulk actions on the account list: a manager's
accounts, all or some, go to colleagues in one step; across teams the receiving supervisor
approves; history, notifications and open work go with them."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account, AccountTeamMember, Handover
from accounts.services import account_handover_decide
from care.models import CareTask
from notifications.models import Notification
from tests.factories import AccountFactory, UserFactory
from tests.visits.factories import CustomerIssueFactory, VisitFactory
from tiering.models import AccountTier, Tier
from users.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def portfolio(manager):
    accounts = [AccountFactory(owner=manager, name=f"客户{n}") for n in range(3)]
    CareTask.objects.create(kind="custom", account=accounts[0], owner=manager, occasion="o", title="Call",
                            due_on=timezone.localdate())
    CustomerIssueFactory(visit=VisitFactory(account=accounts[0], author=manager), owner=manager)
    return accounts


def test_a_supervisor_hands_some_of_a_leavers_accounts_to_a_teammate(client, supervisor, manager, teammate,
                                                                    portfolio, django_assert_max_num_queries):
    client.force_login(supervisor)
    url = reverse("hub:portfolio") + f"?giver={manager.pk}"
    with django_assert_max_num_queries(12):
        page = client.get(url)
    assert page.status_code == 200 and "客户2" in page.content.decode()
    answer = client.post(url, {"accounts": [portfolio[0].pk, portfolio[1].pk], "to_owner": teammate.pk,
                               "reason": "李经理调岗"})
    assert answer.status_code == 302
    owners = dict(Account.objects.values_list("name", "owner"))
    assert owners == {"客户0": teammate.pk, "客户1": teammate.pk, "客户2": manager.pk}
    # The open work went along, and the history says why.
    assert CareTask.objects.get().owner == teammate
    assert portfolio[0].customer_issues.get().owner == teammate
    assert portfolio[0].history.first().history_change_reason == "李经理调岗"
    assert Notification.objects.filter(recipient=teammate, kind="handover").count() == 1


def test_into_another_team_the_receiving_supervisor_approves(client, manager, outsider, other_team, portfolio):
    client.force_login(manager)
    client.post(reverse("hub:portfolio"), {"accounts": [a.pk for a in portfolio], "to_owner": outsider.pk,
                                           "reason": "区域调整"})
    assert Handover.objects.filter(status="pending").count() == 3
    assert Account.objects.filter(owner=manager).count() == 3  # nothing moves before the decision
    assert Notification.objects.filter(recipient=other_team.supervisor, kind="handover").exists()
    handover = Handover.objects.get(account=portfolio[0])
    account_handover_decide(handover=handover, by=other_team.supervisor, approve=True)
    assert CareTask.objects.get().owner == outsider  # open work moves on the approval too


def test_a_manager_cannot_hand_over_a_colleagues_portfolio(client, manager, teammate, portfolio):
    client.force_login(teammate)
    assert client.get(reverse("hub:portfolio") + f"?giver={manager.pk}").status_code == 404
    assert client.post(reverse("hub:portfolio") + f"?giver={manager.pk}",
                       {"accounts": [portfolio[0].pk], "to_owner": teammate.pk, "reason": "x"}).status_code == 404
    assert Account.objects.filter(owner=manager).count() == 3


def test_a_reason_is_needed_and_the_choice_is_kept(client, manager, teammate, portfolio):
    client.force_login(manager)
    page = client.post(reverse("hub:portfolio"), {"accounts": [portfolio[0].pk], "to_owner": teammate.pk})
    assert page.status_code == 200 and page.context["form"].errors["reason"]
    assert Account.objects.filter(owner=manager).count() == 3


def test_bulk_add_a_team_member_in_two_steps(client, manager, teammate, portfolio):
    client.force_login(manager)
    ids = [a.pk for a in portfolio]
    step = client.post(reverse("hub:accounts-bulk"), {"account": ids, "action": "add_member", "next": "/accounts/"})
    assert step.status_code == 200 and "客户1" in step.content.decode()
    done = client.post(reverse("hub:accounts-bulk"), {"account": ids, "action": "add_member", "member": teammate.pk,
                                                      "confirm": "on", "next": "/accounts/?status=active"})
    assert done["Location"] == "/accounts/?status=active"
    assert AccountTeamMember.objects.filter(user=teammate).count() == 3


def test_bulk_archive_leaves_what_is_not_yours(client, manager, teammate, portfolio):
    theirs = AccountFactory(owner=teammate)
    client.force_login(manager)
    client.post(reverse("hub:accounts-bulk"), {"account": [portfolio[0].pk, theirs.pk], "action": "archive",
                                               "confirm": "on", "next": "https://evil.example/"})
    assert Account.objects.get(pk=portfolio[0].pk).is_archived
    assert not Account.objects.get(pk=theirs.pk).is_archived


def test_bulk_tier_override_applies_for_a_supervisor_and_asks_for_a_manager(client, supervisor, manager, portfolio,
                                                                          default_tiers):
    tier = Tier.objects.get(code="A")
    client.force_login(manager)
    client.post(reverse("hub:accounts-bulk"), {"account": [portfolio[0].pk], "action": "tier_override",
                                               "tier": tier.pk, "reason": "战略合作", "confirm": "on"})
    assert not AccountTier.objects.exists()
    assert Notification.objects.get(recipient=supervisor).message_key == "tier.override_requested"
    client.force_login(supervisor)
    client.post(reverse("hub:accounts-bulk"), {"account": [portfolio[0].pk], "action": "tier_override",
                                               "tier": tier.pk, "reason": "战略合作", "confirm": "on"})
    assert AccountTier.objects.get().tier == tier


def test_an_outsider_bulk_changes_nothing(client, outsider, portfolio):
    client.force_login(outsider)
    answer = client.post(reverse("hub:accounts-bulk"), {"account": [portfolio[0].pk], "action": "archive",
                                                        "confirm": "on"})
    assert answer.status_code == 302  # the account is not in their list: refused as a bad choice
    assert not Account.objects.filter(archived_at__isnull=False).exists()


def test_the_list_offers_the_bulk_actions(client, manager, portfolio):
    client.force_login(manager)
    html = client.get(reverse("accounts:list")).content.decode()
    assert 'id="bulk-form"' in html and f'value="{portfolio[0].pk}" form="bulk-form"' in html


# --- The receivers are found by name, not listed (issue 19) ----------------------------------------

def select_options(page, name):
    select = re.search(rf'<select name="{name}".*?</select>', page.content.decode(), re.S).group(0)
    return re.findall(r'<option value="([^"]*)"', select)


def test_the_portfolio_form_finds_its_receiver_by_name(client, manager, teammate, outsider, portfolio,
                                                      django_assert_max_num_queries):
    UserFactory.create_batch(30, team=manager.team)
    User.objects.update(display_name="李娜")  # no 秀英 by chance
    teammate.display_name = "陈秀英"
    teammate.save()
    client.force_login(manager)

    page = client.get(reverse("hub:portfolio"))
    assert select_options(page, "to_owner") == [""]
    assert f"{reverse('hub:portfolio-people')}?giver={manager.pk}" in page.content.decode().replace("&amp;", "&")
    client.get(reverse("home"))
    with django_assert_max_num_queries(5):  # session, user, the giver, one page of people
        found = client.get(reverse("hub:portfolio-people"), {"giver": manager.pk, "q": "秀英"})
    assert [value for value, _label, _detail in found.context["options"]] == [teammate.pk]
    assert client.get(reverse("hub:portfolio-people"), {"giver": manager.pk, "q": manager.username}).context[
        "options"] == []  # not to oneself
    assert client.get(reverse("hub:portfolio-people"), {"giver": outsider.pk}).status_code == 404
    for bad in ({}, {"giver": "abc"}, {"giver": str(2**70)}, {"giver": manager.pk, "page": "x"}):
        assert client.get(reverse("hub:portfolio-people"), bad).status_code in (200, 404)


def test_an_admins_bulk_step_finds_the_member_by_name(client, admin, manager, teammate, portfolio):
    UserFactory.create_batch(30, team=manager.team)
    client.force_login(admin)
    ids = [a.pk for a in portfolio]
    step = client.post(reverse("hub:accounts-bulk"), {"account": ids, "action": "add_member", "next": "/accounts/"})
    assert select_options(step, "member") == [""]
    assert reverse("accounts:people-options") in step.content.decode()
    done = client.post(reverse("hub:accounts-bulk"), {"account": ids, "action": "add_member", "member": teammate.pk,
                                                      "confirm": "on", "next": "/accounts/"})
    assert done.status_code == 302 and AccountTeamMember.objects.filter(user=teammate).count() == 3
