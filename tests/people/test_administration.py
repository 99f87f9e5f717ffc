"""In-app administration (issue 24 item 7, X-06): an admin invites and creates users, sets
their role and team, deactivates a leaver (shown the accounts still in their name, K-05), and
makes teams with a supervisor and members — without Django's admin site. Everyone else gets
404, and every role and team change lands in the audit log."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from audit.models import Action, AuditEntry
from tests.factories import AccountFactory, UserFactory
from users.models import Team, User

pytestmark = pytest.mark.django_db

PAGES = [("people:list", []), ("people:create", []), ("people:team-create", []), ("people:edit", ["pk"]),
         ("people:deactivate", ["pk"]), ("people:team-edit", ["team"]), ("people:departments", []),
         ("people:department-create", [])]


@pytest.mark.parametrize("persona", ["manager", "supervisor"])
def test_non_admins_find_no_administration_page(client, persona, request, teammate, team):
    client.force_login(request.getfixturevalue(persona))
    for name, args in PAGES:
        url = reverse(name, args=[{"pk": teammate.pk, "team": team.pk}[a] for a in args])
        assert client.get(url).status_code == 404, name
        assert client.post(url, {"role": "admin", "username": "x", "name": "x"}).status_code == 404, name
    assert client.post(reverse("people:reactivate", args=[teammate.pk])).status_code == 404
    teammate.refresh_from_db()
    assert teammate.role == User.Role.MANAGER and not User.objects.filter(username="x").exists()


def test_admin_searches_and_filters_people(client, admin, manager, outsider, django_assert_max_num_queries):
    client.force_login(admin)
    # session, user, capped count, the bell, the page (teams joined), the filter's team choices (count and
    # rows), session save (3)
    with django_assert_max_num_queries(10):
        page = client.get(reverse("people:list"), {"q": "hua", "role": "manager"})
    assert list(page.context["people"]) == [outsider]
    assert list(client.get(reverse("people:list"), {"team": manager.team_id}).context["people"]) == [manager]


def test_admin_invites_a_manager_who_gets_a_link_to_choose_a_password(client, admin, team, eager_celery,
                                                                      django_capture_on_commit_callbacks):
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("people:create"), {
            "username": "zhou", "display_name": "周杰", "email": "zhou@example.com", "role": "manager",
            "team": team.pk, "language": "zh-hans", "how": "invite"})
    zhou = User.objects.get(username="zhou")
    assert response.status_code == 302 and (zhou.team, zhou.role) == (team, User.Role.MANAGER)
    assert AuditEntry.objects.filter(action=Action.USER_INVITED, actor=admin, target_id=str(zhou.pk)).exists()
    [invitation] = mail.outbox
    assert invitation.to == ["zhou@example.com"] and invitation.subject == "邀请您使用大客户管理系统"
    assert f"{admin}邀请您以客户经理身份加入大客户管理系统（East China）。" in invitation.body  # not a reset
    assert "您的用户名：zhou" in invitation.body and "3 天内有效" in invitation.body

    client.logout()
    link = re.search(r"https?://\S+/reset/\S+", invitation.body).group(0)
    form = client.get(link, follow=True)
    assert form.context["validlink"]
    client.post(form.redirect_chain[-1][0], {"new_password1": "Quartz-river-82", "new_password2": "Quartz-river-82"})
    assert User.objects.get(pk=zhou.pk).check_password("Quartz-river-82")
    assert not client.get(link, follow=True).context["validlink"]  # once only


def test_an_invitation_goes_to_the_invited_person_alone(client, admin, manager, eager_celery,
                                                        django_capture_on_commit_callbacks):
    """A reset mails every account of an address; an invitation must not touch a colleague's."""
    manager.email = "shared@example.com"
    manager.save()
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("people:create"), {"username": "zhou", "email": "shared@example.com",
                                               "role": "manager", "language": "en", "how": "invite"})

    [invitation] = mail.outbox
    assert invitation.body.startswith("Hello zhou,") and "Your user name: zhou" in invitation.body
    assert invitation.subject == "You are invited to KAM CRM"


def test_creating_with_a_password_checks_it_and_keeps_the_input(client, admin):
    client.force_login(admin)
    page = client.post(reverse("people:create"), {"username": "zhou", "email": "", "role": "manager",
                                                  "language": "en", "how": "password",
                                                  "password1": "123", "password2": "123"})
    assert page.status_code == 200 and "password1" in page.context["form"].errors
    assert 'value="zhou"' in page.content.decode()
    page = client.post(reverse("people:create"), {"username": "zhou", "role": "manager", "language": "en",
                                                  "how": "invite"})
    assert "email" in page.context["form"].errors
    client.post(reverse("people:create"), {"username": "zhou", "role": "supervisor", "language": "en",
                                           "how": "password", "password1": "a-long-pass-phrase-9",
                                           "password2": "a-long-pass-phrase-9"})
    assert User.objects.get(username="zhou").check_password("a-long-pass-phrase-9")


def test_admin_promotes_a_manager_and_the_change_is_audited(client, admin, manager, other_team):
    client.force_login(admin)
    response = client.post(reverse("people:edit", args=[manager.pk]), {
        "display_name": manager.display_name, "email": manager.email, "role": "supervisor",
        "team": other_team.pk, "language": "en"})
    assert response.status_code == 302
    manager.refresh_from_db()
    assert (manager.role, manager.team) == (User.Role.SUPERVISOR, other_team)
    role = AuditEntry.objects.get(action=Action.ROLE_CHANGED)
    assert (role.actor, role.target_name, role.describe()) == (admin, str(manager), "Account manager → Supervisor")
    assert AuditEntry.objects.get(action=Action.TEAM_CHANGED).describe() == "East China → South China"


def test_an_admin_cannot_demote_themself_nor_a_supervisor_who_leads_a_team(client, admin, supervisor):
    client.force_login(admin)
    page = client.post(reverse("people:edit", args=[admin.pk]), {"role": "manager", "language": "en"})
    assert "role" in page.context["form"].errors
    page = client.post(reverse("people:edit", args=[supervisor.pk]), {"role": "manager", "language": "en"})
    assert "East China" in str(page.context["form"].errors["role"])
    supervisor.refresh_from_db()
    assert supervisor.role == User.Role.SUPERVISOR


def test_deactivating_a_leaver_confirms_and_names_their_accounts(client, admin, manager):
    AccountFactory.create_batch(2, owner=manager)
    client.force_login(admin)
    confirm = client.get(reverse("people:deactivate", args=[manager.pk])).content.decode()
    assert "2 accounts are still in their name" in confirm
    assert f'href="{reverse("accounts:list")}?owner={manager.pk}"' in client.get(
        reverse("people:edit", args=[manager.pk])).content.decode()
    client.post(reverse("people:deactivate", args=[manager.pk]))
    manager.refresh_from_db()
    assert not manager.is_active
    assert AuditEntry.objects.filter(action=Action.USER_DEACTIVATED, target_id=str(manager.pk)).exists()
    assert client.get(reverse("people:deactivate", args=[manager.pk])).status_code == 404  # already done
    client.post(reverse("people:reactivate", args=[manager.pk]))
    manager.refresh_from_db()
    assert manager.is_active


def test_a_deactivated_user_is_signed_out_at_their_next_request(client, admin, manager):
    client.force_login(manager)
    from users.services import user_deactivate

    user_deactivate(user=manager, by=admin)
    assert client.get(reverse("home")).status_code == 302


def test_a_supervisor_who_leads_a_team_is_not_deactivated(client, admin, supervisor):
    client.force_login(admin)
    client.post(reverse("people:deactivate", args=[supervisor.pk]))
    supervisor.refresh_from_db()
    assert supervisor.is_active


def test_admin_creates_a_team_with_a_supervisor_and_members(client, admin, manager, outsider):
    boss = UserFactory(username="sun", role=User.Role.SUPERVISOR)
    client.force_login(admin)
    response = client.post(reverse("people:team-create"), {"name": "North China", "supervisor": boss.pk,
                                                           "members": [manager.pk, outsider.pk]})
    north = Team.objects.get(name="North China")
    assert response.status_code == 302 and response.url == reverse("users:team-detail", args=[north.pk])
    assert set(north.members.all()) == {manager, outsider}
    assert AuditEntry.objects.filter(action=Action.TEAM_CREATED).count() == 1


def test_editing_a_team_sets_its_members_exactly(client, admin, team, manager, teammate, outsider):
    client.force_login(admin)
    client.post(reverse("people:team-edit", args=[team.pk]), {"name": "East", "supervisor": team.supervisor.pk,
                                                              "members": [manager.pk, outsider.pk]})
    team.refresh_from_db()
    teammate.refresh_from_db()
    assert team.name == "East" and set(team.members.all()) == {manager, outsider} and teammate.team is None


def test_the_team_form_names_only_who_is_chosen_and_finds_the_rest_by_name(client, admin, team, manager, teammate,
                                                                          outsider):
    UserFactory.create_batch(30, team=team)
    client.force_login(admin)

    page = client.get(reverse("people:team-edit", args=[team.pk])).content.decode()

    supervisor = re.search(r'<select name="supervisor".*?</select>', page, re.S).group(0)
    members = re.search(r'<select name="members".*?</select>', page, re.S).group(0)
    assert re.findall(r'<option value="(\d+)"', supervisor) == [str(team.supervisor.pk)]
    assert len(re.findall(r'<option value="\d+" selected', members)) == 32  # its members, nobody else
    assert str(outsider.pk) not in re.findall(r'<option value="(\d+)"', members)
    found = client.get(reverse("people:member-options"), {"q": "huang"}).content.decode()
    assert f'data-value="{outsider.pk}"' in found and "South China" in found  # with the team they leave
    leaders = client.get(reverse("people:leader-options"), {"q": "zhang"}).content.decode()
    assert f'data-value="{outsider.team.supervisor_id}"' in leaders
    not_a_leader = client.get(reverse("people:leader-options"), {"q": "li"}).content.decode()
    assert f'data-value="{manager.pk}"' not in not_a_leader


@pytest.mark.parametrize("persona", ["manager", "supervisor"])
def test_the_team_pickers_are_for_admins_only(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("people:member-options"), {"q": "a"}).status_code == 404
    assert client.get(reverse("people:leader-options"), {"q": "a"}).status_code == 404


def test_a_manager_cannot_be_made_supervisor_of_a_team(client, admin, team, manager):
    client.force_login(admin)
    page = client.post(reverse("people:team-create"), {"name": "X", "supervisor": manager.pk})
    assert "supervisor" in page.context["form"].errors and not Team.objects.filter(name="X").exists()


def test_the_admin_finds_the_new_team_button_on_the_teams_page(client, admin, manager):
    client.force_login(admin)
    assert reverse("people:team-create") in client.get(reverse("users:team-list")).content.decode()
    client.force_login(manager)
    assert reverse("people:team-create") not in client.get(reverse("users:team-list")).content.decode()


def test_the_person_and_team_pages_keep_their_query_counts(client, admin, manager, team,
                                                           django_assert_max_num_queries):
    from tests.factories import AccountFactory

    AccountFactory.create_batch(3, owner=manager)
    client.force_login(admin)
    # session, user, the bell, the person (team joined), the form's instance, the team choices,
    # accounts owned, two-factor device, session save (3)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("people:edit", args=[manager.pk])).status_code == 200
    UserFactory.create_batch(5, team=team)
    # session, user, the bell, the team twice (page, form), its members, supervisors, people (teams
    # joined), session save (3)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("people:team-edit", args=[team.pk])).status_code == 200
