"""Every page of the account 360 about one of li's objects answers 404 to the other team's
manager and supervisor, by GET and by POST, and nothing changes (issue 23: "an outsider never sees
a comment, search hit or timeline entry of another team's account"). A new hub route with an
object in its path must be placed here before the walk passes."""

import pytest
from django.urls import reverse

from accounts.models import Account
from hub.models import Comment, SavedView
from hub.services import comment_post, saved_view_save
from plans.models import AccountPlan
from tests.factories import AccountFactory, ContactFactory
from tests.urlwalk import routes
from tests.visits.factories import CustomerIssueFactory, VisitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(manager):
    account = AccountFactory(owner=manager, name="东方电子")
    visit = VisitFactory(account=account, author=manager)
    return {
        "account": account, "contact": ContactFactory(account=account), "visit": visit,
        "issue": CustomerIssueFactory(visit=visit),
        "plan": AccountPlan.objects.create(account=account, year=2026, vision="v", created_by=manager),
        "comment": comment_post(by=manager, target=account, body="内部"),
        "view": saved_view_save(by=manager, list_name="accounts:list", name="Mine", query="status=active",
                                shared=True),
    }


def urls(w):
    return [
        ("hub:account-timeline", [w["account"].pk]), ("hub:contact-timeline", [w["contact"].pk]),
        ("hub:account-duplicates", [w["account"].pk]), ("hub:comment-delete", [w["comment"].pk]),
        ("hub:saved-view-default", [w["view"].pk]), ("hub:saved-view-delete", [w["view"].pk]),
        *[(name, [on, w[on].pk]) for on in ("account", "visit", "issue", "plan")
          for name in ("hub:comments", "hub:mention-options")],
    ]


def snapshot():
    return (list(Comment.objects.values_list("pk", "body")), list(SavedView.objects.values_list("pk", "is_default")),
            list(Account.objects.values_list("pk", "owner", "archived_at")))


@pytest.fixture(params=["outsider", "their_supervisor"])
def stranger(request, outsider, other_team):
    return outsider if request.param == "outsider" else other_team.supervisor


def test_strangers_reach_nothing(client, world, stranger):
    before = snapshot()
    client.force_login(stranger)
    for name, args in urls(world):
        url = reverse(name, args=args)
        assert client.get(url).status_code in (404, 405), (name, "GET")
        assert client.post(url, {"body": "x", "reason": "x"}).status_code == 404, (name, "POST")
    assert snapshot() == before


def test_strangers_find_nothing_and_merge_nothing(client, world, stranger):
    client.force_login(stranger)
    page = client.get(reverse("hub:search"), {"q": "东方电子"})
    assert page.context["results"].groups == []
    other = AccountFactory(owner=stranger, name="東方電子")
    url = reverse("hub:merge-accounts") + f"?keep={other.pk}&merge={world['account'].pk}"
    assert client.get(url).status_code == 404 and client.post(url).status_code == 404
    assert "东方电子" not in client.get(reverse("hub:duplicates")).content.decode()
    assert "Mine" not in client.get(reverse("hub:saved-views"), {"list": "accounts:list"}).content.decode()


def test_the_walk_knows_every_object_page(world):
    object_routes = {f"{namespace}:{pattern.name}" for _r, pattern, namespace in routes()
                     if pattern.pattern.converters and namespace == "hub"}
    assert object_routes == {name for name, _args in urls(world)}
