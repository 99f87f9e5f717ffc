"""The account list's owner filter as a people picker (issue 19 item 2): the page names only the
person chosen, not every member of staff; the rest are found by typing part of a name."""

import re

import pytest
from django.urls import reverse

from tests.factories import AccountFactory, UserFactory
from users.models import User

pytestmark = pytest.mark.django_db


def owner_options_on(page):
    select = re.search(r'<select name="owner".*?</select>', page.content.decode(), re.S).group(0)
    return re.findall(r'<option value="([^"]*)"', select)


def test_an_admins_account_list_does_not_render_every_member_of_staff(client, admin, manager, teammate):
    UserFactory.create_batch(30, team=manager.team)
    client.force_login(admin)

    page = client.get(reverse("accounts:list"))

    assert owner_options_on(page) == [""]  # "Anyone"; the 32 others are a search away


def test_the_person_chosen_is_shown_selected_and_filters_the_list(client, manager, teammate):
    mine = AccountFactory(name="Haier", owner=manager)
    AccountFactory(name="Gree", owner=teammate)
    client.force_login(manager)

    page = client.get(reverse("accounts:list") + f"?owner={manager.pk}")

    assert owner_options_on(page) == ["", str(manager.pk)]
    assert f'<option value="{manager.pk}" selected>' in page.content.decode()
    assert list(page.context["accounts"]) == [mine]


def test_a_manager_finds_a_teammate_by_part_of_the_name_but_never_an_outsider(client, manager, teammate, outsider,
                                                                              django_assert_max_num_queries):
    User.objects.update(display_name="李娜")  # the fixtures' other people: no 陈 by chance
    for person, name in ((teammate, "陈秀英"), (outsider, "陈明")):
        person.display_name = name
        person.save()
    client.force_login(manager)
    client.get(reverse("home"))  # the session's expiry pushed: not the picker's cost

    with django_assert_max_num_queries(3):  # session, user, one page of people
        results = client.get(reverse("accounts:owner-options"), {"q": "陈"})

    assert [p.pk for p in results.context["people"]] == [teammate.pk]
    assert f'data-owner="{teammate.pk}"' in results.content.decode()


def test_the_picker_pages_through_many_people_and_bad_input_is_no_error(client, admin, manager):
    User.objects.update(display_name="李娜")  # the fixtures' people: no 王 by chance
    UserFactory.create_batch(25, team=manager.team, display_name="王伟")
    client.force_login(admin)

    first = client.get(reverse("accounts:owner-options"), {"q": "王"})
    second = client.get(reverse("accounts:owner-options"), {"q": "王", "page": 2})

    assert (len(first.context["people"]), first.context["next_page"]) == (20, 2)
    assert (len(second.context["people"]), second.context["next_page"]) == (5, None)
    for bad in ({"page": "abc"}, {"page": "-1"}, {"q": "x" * 500}):
        assert client.get(reverse("accounts:owner-options"), bad).status_code in (200, 400)


def test_without_javascript_the_name_box_filters_by_the_managers_name(client, manager, teammate):
    User.objects.update(display_name="李娜")
    User.objects.filter(pk=teammate.pk).update(display_name="陈秀英")
    AccountFactory(name="Haier", owner=manager)
    theirs = AccountFactory(name="Gree", owner=teammate)
    client.force_login(manager)

    page = client.get(reverse("accounts:list"), {"owner_name": "秀英"})

    assert list(page.context["accounts"]) == [theirs]


@pytest.mark.parametrize("page_name", ["opportunities:list", "opportunities:board", "opportunities:forecast",
                                       "opportunities:win-rate"])
def test_an_admins_opportunity_pages_find_owners_by_name_instead_of_listing_the_staff(client, admin, manager,
                                                                                    page_name):
    UserFactory.create_batch(30, team=manager.team)
    client.force_login(admin)

    assert owner_options_on(client.get(reverse(page_name))) == [""]
    page = client.get(reverse(page_name), {"owner": manager.pk})
    assert owner_options_on(page) == ["", str(manager.pk)]  # the one chosen stays shown
    assert reverse("accounts:people-options") in page.content.decode()
    assert owner_options_on(client.get(reverse(page_name), {"owner": "abc"})) == [""]


def test_a_supervisors_opportunity_filter_still_lists_the_team(client, supervisor, manager, teammate):
    client.force_login(supervisor)

    assert set(owner_options_on(client.get(reverse("opportunities:list")))) >= {"", str(manager.pk), str(teammate.pk)}
