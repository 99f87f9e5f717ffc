"""Roles and teams: who sees which team (a manager their own, a supervisor the
teams they lead, an admin all), and who may lead a team."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import TeamFactory, UserFactory
from users.models import Team, User
from users.services import team_create, team_member_add

pytestmark = pytest.mark.django_db


def test_roles_decide_admin_and_supervisor_powers(manager, supervisor, admin):
    assert not manager.is_admin and not manager.is_supervisor
    assert supervisor.is_supervisor and not supervisor.is_admin
    assert admin.is_admin


def test_the_database_refuses_an_unknown_role(manager):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        User.objects.filter(pk=manager.pk).update(role="owner")


def test_only_supervisors_and_admins_lead_teams(manager, admin):
    with pytest.raises(ValidationError) as error:
        team_create(name="North", supervisor=manager)
    assert "supervisor" in error.value.message_dict
    assert team_create(name="North", supervisor=admin).supervisor == admin


def test_team_names_are_unique(team, supervisor):
    with pytest.raises(ValidationError):
        team_create(name=team.name, supervisor=supervisor)


def test_a_user_belongs_to_one_team_at_a_time(manager, other_team):
    team_member_add(team=other_team, user=manager)
    assert list(other_team.members.all()) == [manager]


def test_manager_sees_only_their_own_team(client, manager, teammate, outsider):
    client.force_login(manager)
    page = client.get(reverse("users:team-list"))
    assert [t.name for t in page.context["teams"]] == ["East China"]
    assert set(User.objects.visible_to(manager)) == {manager, teammate}


def test_supervisor_sees_the_team_they_lead(client, supervisor, manager, outsider):
    client.force_login(supervisor)
    page = client.get(reverse("users:team-list"))
    assert [t.name for t in page.context["teams"]] == ["East China"]
    assert outsider not in User.objects.visible_to(supervisor)


def test_admin_sees_every_team(client, admin, team, other_team):
    client.force_login(admin)
    page = client.get(reverse("users:team-list"))
    assert [t.name for t in page.context["teams"]] == ["East China", "South China"]


def test_another_teams_page_is_not_found_for_an_outsider(client, outsider, team):
    client.force_login(outsider)
    assert client.get(reverse("users:team-detail", args=[team.pk])).status_code == 404


def test_team_page_lists_members_with_their_roles(client, supervisor, manager, teammate):
    client.force_login(supervisor)
    page = client.get(reverse("users:team-detail", args=[manager.team.pk]))
    assert page.status_code == 200
    assert {m.username for m in page.context["team"].members.all()} == {"li", "chen"}


def test_team_search_and_empty_state(client, admin, team):
    client.force_login(admin)
    page = client.get(reverse("users:team-list"), {"q": "nowhere"})
    assert list(page.context["teams"]) == []
    assert "No team matches" in page.content.decode()


def test_team_list_paginates_with_a_fixed_query_count(client, admin, django_assert_max_num_queries):
    for _ in range(30):
        TeamFactory()
    client.force_login(admin)
    # session, user, count, one page of teams with supervisors and member counts,
    # and the session's sliding expiry (savepoint, update, release); the bell's unread COUNT
    with django_assert_max_num_queries(8):
        page = client.get(reverse("users:team-list"))
    assert len(page.context["teams"]) == 25
    assert page.context["page_obj"].paginator.count == Team.objects.count() == 30


def test_a_user_without_a_team_sees_a_clear_empty_state(client, db):
    loner = UserFactory(username="loner")
    client.force_login(loner)
    assert "You are not in a team yet" in client.get(reverse("users:team-list")).content.decode()
