"""Account pickers of forms as search-as-you-type (issue 19 item 2): a form that chooses among
every account the user sees (the account a referral brought, K-56; a parent group, K-07) renders
only the account chosen, and the others are found by typing part of their name — an admin's page
would otherwise hold 100,000 options."""

import re

import pytest
from django.urls import reverse

from plans.models import Referral
from tests.factories import AccountFactory, UserFactory

pytestmark = pytest.mark.django_db


def options_of(page, name):
    select = re.search(rf'<select name="{name}".*?</select>', page.content.decode(), re.S).group(0)
    return re.findall(r'<option value="([^"]*)"', select)


def found(response):
    return [int(pk) for pk in re.findall(r'data-value="(\d+)"', response.content.decode())]


@pytest.fixture
def referral(account, manager):
    return Referral.objects.create(account=account, asked_on="2026-11-02", created_by=manager, status="asked")


@pytest.fixture
def account(manager):
    return AccountFactory(name="Haier", owner=manager)


def test_k56_an_admins_referral_form_holds_only_the_account_chosen(client, admin, referral, manager):
    AccountFactory.create_batch(30, owner=manager)
    brought = AccountFactory(name="Midea", owner=manager)
    client.force_login(admin)
    url = reverse("plans:referral-edit", args=[referral.pk])

    assert options_of(client.get(url), "brought_account") == [""]

    saved = client.post(url, {"status": "received", "brought_account": brought.pk})
    assert saved.status_code == 302
    page = client.get(url)
    assert options_of(page, "brought_account") == ["", str(brought.pk)]
    assert f'<option value="{brought.pk}" selected>Midea</option>' in page.content.decode()


def test_k56_a_manager_finds_the_account_by_part_of_its_name_but_never_an_outsiders(
        client, manager, outsider, referral, django_assert_max_num_queries):
    mine = AccountFactory(name="Midea Wuhan", owner=manager)
    AccountFactory(name="Midea Foshan", owner=outsider)
    AccountFactory(name="Gree", owner=manager)
    client.force_login(manager)
    client.get(reverse("home"))  # the session's expiry pushed: not the picker's cost

    with django_assert_max_num_queries(3):  # session, user, one page of accounts
        response = client.get(reverse("accounts:account-options"), {"q": "midea"})

    assert found(response) == [mine.pk]
    assert "Midea Foshan" not in response.content.decode()


def test_k56_an_outsiders_account_posted_by_hand_is_refused_by_the_field(client, manager, outsider, referral):
    theirs = AccountFactory(name="Midea Foshan", owner=outsider)
    client.force_login(manager)

    refused = client.post(reverse("plans:referral-edit", args=[referral.pk]),
                          {"status": "received", "brought_account": theirs.pk})

    assert refused.status_code == 200
    assert "brought_account" in refused.context["form"].errors
    referral.refresh_from_db()
    assert referral.brought_account is None


def test_the_picker_pages_through_many_matches_at_a_fixed_cost(client, manager, django_assert_max_num_queries):
    for n in range(45):
        AccountFactory(name=f"Steel works {n:02}", owner=manager)
    client.force_login(manager)
    client.get(reverse("home"))

    with django_assert_max_num_queries(3):
        first = client.get(reverse("accounts:account-options"), {"q": "steel"})
    more = re.search(r'hx-get="([^"]+)"', first.content.decode()).group(1).replace("&amp;", "&")
    second = client.get(more)
    third = client.get(re.search(r'hx-get="([^"]+)"', second.content.decode()).group(1).replace("&amp;", "&"))

    assert len(found(first)) == len(found(second)) == 20 and len(found(third)) == 5
    assert len(set(found(first) + found(second) + found(third))) == 45
    assert "More" not in third.content.decode()


def test_k07_the_parent_picker_offers_only_groups(client, manager):
    group = AccountFactory(name="Haier Group", kind="group", owner=manager)
    AccountFactory(name="Haier Qingdao", owner=manager)
    client.force_login(manager)

    page = client.get(reverse("accounts:create"))
    assert options_of(page, "parent") == [""]
    picker_url = re.search(r'hx-get="([^"]*kind=group[^"]*)"', page.content.decode()).group(1).replace("&amp;", "&")

    assert found(client.get(picker_url + "&q=haier")) == [group.pk]


@pytest.mark.parametrize("bad", [{"page": "x"}, {"page": "0"}, {"page": "99999999999"}, {"q": "a" * 500},
                                 {"kind": "nonsense"}])
def test_bad_picker_queries_are_answered_not_crashed(client, manager, bad):
    client.force_login(manager)
    assert client.get(reverse("accounts:account-options"), bad).status_code in (200, 400)


def test_an_outsider_without_login_is_sent_to_sign_in(client):
    assert client.get(reverse("accounts:account-options")).status_code == 302


def test_an_admins_account_form_lists_only_the_people_chosen(client, admin, manager, teammate):
    UserFactory.create_batch(30, team=manager.team)
    account = AccountFactory(name="Haier", owner=manager)
    account.team_members.add(teammate)
    client.force_login(admin)
    url = reverse("accounts:edit", args=[account.pk])

    page = client.get(url)

    assert options_of(page, "owner") == ["", str(manager.pk)]
    assert options_of(page, "team_members") == [str(teammate.pk)]
    picker = re.search(r'hx-get="([^"]*people-options[^"]*)"', page.content.decode()).group(1)
    newcomer = UserFactory(team=manager.team, display_name="周新人")
    assert found(client.get(picker, {"q": "周新"})) == [newcomer.pk]


def test_a_manager_still_ticks_their_team_on_the_account_form(client, manager, teammate):
    account = AccountFactory(name="Haier", owner=manager)
    client.force_login(manager)

    page = client.get(reverse("accounts:edit", args=[account.pk])).content.decode()

    boxes = re.findall(r'<input[^>]*type="checkbox"[^>]*name="team_members"[^>]*value="(\d+)"', page)
    assert str(teammate.pk) in boxes  # a team of a few: listed to tick


def test_an_admin_saves_an_owner_and_members_found_by_name(client, admin, manager, teammate):
    account = AccountFactory(name="Haier", owner=manager, kind="standard")
    client.force_login(admin)

    saved = client.post(reverse("accounts:edit", args=[account.pk]), {
        "name": "Haier", "kind": "standard", "status": account.status, "currency": account.currency,
        "owner": teammate.pk, "team_members": [manager.pk]})

    assert saved.status_code == 302, saved.context["form"].errors
    account.refresh_from_db()
    assert account.owner == teammate and list(account.team_members.all()) == [manager]


def test_people_options_answer_only_people_the_user_may_choose(client, manager, outsider, teammate):
    client.force_login(manager)
    url = reverse("accounts:people-options")

    assert outsider.pk not in found(client.get(url))
    assert teammate.pk in found(client.get(url))


def test_an_admins_report_filter_names_only_the_manager_chosen(client, admin, manager, outsider):
    UserFactory.create_batch(30, team=manager.team)
    client.force_login(admin)

    page = client.get(reverse("reports:value"))
    assert options_of(page, "manager") == [""]
    narrowed = client.get(reverse("reports:value"), {"manager": manager.pk})
    assert options_of(narrowed, "manager") == ["", str(manager.pk)]

    picker = re.search(r'hx-get="([^"]*manager-options[^"]*)"', page.content.decode()).group(1)
    assert outsider.pk in found(client.get(picker, {"q": outsider.username}))


def test_a_supervisors_report_people_stay_their_teams(client, supervisor, manager, outsider):
    client.force_login(supervisor)
    url = reverse("reports:manager-options")

    assert manager.pk in found(client.get(url))
    assert outsider.pk not in found(client.get(url, {"q": outsider.username}))
    assert str(manager.pk) in options_of(client.get(reverse("reports:value")), "manager")  # a team: listed
