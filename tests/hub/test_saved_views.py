"""Saved views (issue 23 item 5): any list's filters saved by name, personal or shared with the
team, one of them the default the list opens with."""

import pytest
from django.urls import reverse

from hub.models import SavedView
from hub.services import saved_view_save

pytestmark = pytest.mark.django_db


def test_a_manager_saves_the_filters_and_opens_them_again(client, manager):
    client.force_login(manager)
    answer = client.post(reverse("hub:saved-view-save"), {
        "list_name": "accounts:list", "query": "status=at_risk&kind=strategic&page=3", "name": "风险战略客户"})
    view = SavedView.objects.get()
    assert view.query == "status=at_risk&kind=strategic"  # the page is not part of a view
    assert answer["Location"] == "/accounts/?status=at_risk&kind=strategic"
    panel = client.get(reverse("hub:saved-views"), {"list": "accounts:list"}, HTTP_HX_REQUEST="true")
    assert "风险战略客户" in panel.content.decode()


def test_the_default_view_opens_a_bare_list_and_view_all_does_not(client, manager, django_assert_max_num_queries):
    client.force_login(manager)
    client.post(reverse("hub:saved-view-save"), {"list_name": "contacts:list", "query": "status=left",
                                                  "name": "Left", "is_default": "on"})
    bare = client.get(reverse("contacts:list"))
    assert bare.status_code == 302 and bare["Location"] == "/contacts/?status=left"
    assert client.get(reverse("contacts:list") + "?view=all").status_code == 200
    # A new login remembers it (the session learns it at login: no query on the list).
    client.logout()
    client.force_login(manager)
    with django_assert_max_num_queries(5):  # the session, the user, the session's refresh (3): no saved view read
        assert client.get(reverse("contacts:list")).status_code == 302


def test_one_default_per_list(manager):
    first = saved_view_save(by=manager, list_name="visits:list", name="A", query="channel=phone", is_default=True)
    second = saved_view_save(by=manager, list_name="visits:list", name="B", query="channel=wechat", is_default=True)
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.is_default, second.is_default) == (False, True)


def test_a_shared_view_is_the_teams_not_another_teams(client, manager, teammate, outsider):
    saved_view_save(by=manager, list_name="accounts:list", name="Team view", query="status=active", shared=True)
    saved_view_save(by=manager, list_name="accounts:list", name="Mine only", query="kind=group")
    client.force_login(teammate)
    html = client.get(reverse("hub:saved-views"), {"list": "accounts:list"}).content.decode()
    assert "Team view" in html and "Mine only" not in html
    client.force_login(outsider)
    assert "Team view" not in client.get(reverse("hub:saved-views"), {"list": "accounts:list"}).content.decode()


def test_only_the_owner_changes_or_deletes_a_view(client, manager, teammate):
    view = saved_view_save(by=manager, list_name="accounts:list", name="Team", query="a=1", shared=True)
    client.force_login(teammate)
    assert client.post(reverse("hub:saved-view-delete", args=[view.pk])).status_code == 404
    assert client.post(reverse("hub:saved-view-default", args=[view.pk])).status_code == 404
    client.force_login(manager)
    client.post(reverse("hub:saved-view-delete", args=[view.pk]))
    assert not SavedView.objects.exists()


@pytest.mark.parametrize("data", [{}, {"list_name": "admin:index", "name": "x"}, {"list_name": "accounts:list"},
                                  {"list_name": "accounts:list", "name": " "},
                                  {"list_name": "accounts:list", "name": "x", "shared": "on", "query": "x" * 3000}])
def test_bad_input_is_a_message_not_a_500(client, manager, data):
    client.force_login(manager)
    answer = client.post(reverse("hub:saved-view-save"), data)
    assert answer.status_code == 302


def test_every_list_has_the_menu(client, manager):
    client.force_login(manager)
    for name in ("accounts:list", "contacts:list", "visits:list", "visits:issues", "plans:list"):
        html = client.get(reverse(name)).content.decode()
        assert "saved-views-menu" in html, name
