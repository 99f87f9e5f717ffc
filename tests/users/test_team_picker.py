"""An admin's team filters and fields as a team picker (issue 19 item 2): at a million accounts
the company has 901 teams, so the page names only the team chosen and the others are found by
typing part of the name; supervisors and managers keep their few teams in a plain list. The
same for the people a target is set for (5,400 at that size)."""

import re

import pytest
from django.urls import reverse

from reports.models import Target
from tests.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def options_of(page, name):
    select = re.search(rf'<select name="{name}".*?</select>', page.content.decode(), re.S).group(0)
    return re.findall(r'<option value="([^"]*)"', select)


TEAM_PAGES = ["reports:evaluation", "reports:concentration", "reports:value", "reports:targets",
              "visit-quarterly", "plans:satisfaction-overview", "opportunities:board", "opportunities:forecast",
              "tiering:review", "notifications:robots"]


@pytest.mark.parametrize("page_name", TEAM_PAGES)
def test_an_admins_team_choice_names_only_the_team_chosen(client, admin, team, other_team, page_name):
    TeamFactory.create_batch(30)
    client.force_login(admin)

    page = client.get(reverse(page_name))

    assert page.status_code == 200
    assert options_of(page, "team") == [""]  # the 32 teams are a search away
    assert reverse("users:team-options") in page.content.decode()


@pytest.mark.parametrize("page_name", ["reports:evaluation", "visit-quarterly", "plans:satisfaction-overview",
                                       "opportunities:board"])
def test_the_team_chosen_stays_shown_and_a_bad_one_is_no_error(client, admin, team, page_name):
    client.force_login(admin)

    chosen = client.get(reverse(page_name), {"team": team.pk})
    assert options_of(chosen, "team") == ["", str(team.pk)]
    assert f'<option value="{team.pk}" selected>' in chosen.content.decode()
    for bad in ("abc", "999999", "-1"):
        assert options_of(client.get(reverse(page_name), {"team": bad}), "team") == [""]


def test_a_supervisor_of_two_teams_still_lists_them(client, supervisor, team, other_team):
    second = TeamFactory(name="North China", supervisor=supervisor)
    client.force_login(supervisor)

    for page_name in ("reports:evaluation", "visit-quarterly", "plans:satisfaction-overview"):
        page = client.get(reverse(page_name))
        assert options_of(page, "team") == ["", str(team.pk), str(second.pk)]  # by name; not South China
        assert reverse("users:team-options") not in page.content.decode()


def test_the_admins_satisfaction_filter_is_shown_even_before_a_second_team(client, admin, team):
    client.force_login(admin)

    assert client.get(reverse("plans:satisfaction-overview")).context["team_filter"]


def test_an_admin_finds_a_team_by_part_of_its_name_with_its_supervisor(client, admin, team, other_team,
                                                                     django_assert_max_num_queries):
    client.force_login(admin)
    client.get(reverse("home"))  # the session's expiry pushed: not the picker's cost

    with django_assert_max_num_queries(3):  # session, user, one page of teams
        results = client.get(reverse("users:team-options"), {"q": "south"})

    body = results.content.decode()
    assert f'data-value="{other_team.pk}"' in body and str(other_team.supervisor) in body
    assert f'data-value="{team.pk}"' not in body


def test_the_team_picker_pages_and_bad_input_is_no_error(client, admin):
    for n in range(25):
        TeamFactory(name=f"华东大客户 {n:02}")
    client.force_login(admin)

    first = client.get(reverse("users:team-options"), {"q": "华东"}).content.decode()
    second = client.get(reverse("users:team-options"), {"q": "华东", "page": 2}).content.decode()

    assert first.count("js-pick-option") == 20 and "page=2" in first
    assert second.count("js-pick-option") == 5 and "page=3" not in second
    for bad in ({"page": "abc"}, {"page": "-1"}, {"page": "10000000"}, {"q": "x" * 500}):
        assert client.get(reverse("users:team-options"), bad).status_code in (200, 400)


def test_a_supervisor_or_manager_finds_only_their_own_teams(client, supervisor, manager, team, other_team):
    for person in (supervisor, manager):
        client.force_login(person)
        body = client.get(reverse("users:team-options"), {"q": "china"}).content.decode()
        assert f'data-value="{team.pk}"' in body
        assert f'data-value="{other_team.pk}"' not in body
    assert "No team you can choose has that name." in client.get(
        reverse("users:team-options"), {"q": "south"}).content.decode()


def test_an_admin_sets_a_target_for_a_manager_found_by_name(client, admin, manager, teammate, outsider):
    UserFactory.create_batch(30, team=manager.team)
    client.force_login(admin)

    page = client.get(reverse("reports:targets"))
    assert options_of(page, "manager") == [""]
    found = client.get(reverse("reports:target-people-options"), {"q": "li"}).content.decode()
    assert f'data-value="{manager.pk}"' in found and "East China" in found

    saved = client.post(reverse("reports:targets"), {"metric": "visits", "manager": manager.pk, "value": "8"})

    assert saved.status_code == 302
    assert Target.objects.get().manager == manager


def test_a_supervisors_target_people_are_their_teams_and_a_manager_is_refused(client, supervisor, manager,
                                                                             teammate, outsider):
    client.force_login(supervisor)
    page = client.get(reverse("reports:targets"))
    assert set(options_of(page, "manager")) == {"", str(manager.pk), str(teammate.pk)}
    found = client.get(reverse("reports:target-people-options"), {"q": "huang"}).content.decode()
    assert f'data-value="{outsider.pk}"' not in found
    refused = client.post(reverse("reports:targets"), {"metric": "visits", "manager": outsider.pk, "value": "8",
                                                       "team": manager.team.pk})
    assert refused.status_code == 200 and "manager" in refused.context["form"].errors

    client.force_login(manager)
    assert client.get(reverse("reports:target-people-options")).status_code == 403
