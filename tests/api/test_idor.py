"""Issue 24, done when: an IDOR walk of every API endpoint with the personas. Another team's row is
404 for every method (its existence is not disclosed), exactly as on the pages; a read-only token
that tries to write gets 403 even on its owner's own rows. The walk reads the router, so an
endpoint added later without a row here fails the test instead of going unchecked."""

import pytest

from api.urls import router
from tests.api.conftest import client_with, token_for

pytestmark = pytest.mark.django_db

# route name (basename-action) -> the world's row it is about (None: not scoped, e.g. tiers)
ROWS = {
    "account-detail": "account", "contact-detail": "contact", "buyer-role-detail": "role",
    "order-detail": "order", "visit-detail": "visit", "issue-detail": "issue", "issue-follow-up": "issue",
    "care-task-detail": "task", "care-task-done": "task",
}
LISTS = {"account-list", "contact-list", "buyer-role-list", "order-list", "visit-list", "issue-list",
         "care-task-list", "tier-list"}
UNSCOPED = {"tier-detail"}  # the tiers are the same for everyone (K-30)
WRITES = {"post", "put", "patch", "delete"}


def routes():
    """(name, path template, methods) of every API route with its HTTP methods."""
    for pattern in router.urls:
        actions = getattr(pattern.callback, "actions", None)
        if not actions or pattern.name == "api-root" or r"\.(?P<format>" in str(pattern.pattern):
            continue
        allowed = set(pattern.callback.cls.http_method_names)
        yield pattern.name, str(pattern.pattern), sorted(set(actions) & allowed)


def path_of(template, pk=None):
    return "/api/" + template.lstrip("^").rstrip("$").replace("(?P<pk>[0-9]+)", str(pk))


def test_every_route_is_in_the_walk():
    names = {name for name, _template, _methods in routes()}
    assert names == set(ROWS) | LISTS | UNSCOPED


def test_another_teams_rows_are_404_for_every_method(world, outsider, manager):
    """li's rows, walked by huang of another team with a read-write token: never there."""
    client = client_with(token_for(outsider))
    walked = 0
    for name, template, methods in routes():
        if name not in ROWS:
            continue
        row = world["ours"][ROWS[name]]
        for method in methods:
            answer = getattr(client, method)(path_of(template, row.pk), {}, format="json")
            assert answer.status_code == 404, (method, name, answer.status_code, answer.content)
            walked += 1
    assert walked >= 13


def test_a_read_only_token_never_writes_even_its_owners_rows(world, manager):
    client = client_with(token_for(manager, scope="read"))
    walked = 0
    for name, template, methods in routes():
        row = world["ours"][ROWS[name]] if name in ROWS else None
        if name in UNSCOPED:
            row = type("Tier", (), {"pk": 1})
        path = path_of(template, row.pk if row else None)
        for method in methods:
            answer = getattr(client, method)(path, {}, format="json")
            if method in WRITES:
                assert answer.status_code == 403, (method, name, answer.status_code)
                assert "read-only" in answer.json()["detail"]
                walked += 1
            elif row is not None or name in LISTS:
                assert answer.status_code in (200, 404 if name in UNSCOPED else 200), (method, name)
    assert walked >= 10


def test_in_scope_rows_the_user_may_not_change_are_403(world, manager, teammate, outsider):
    """A prospect in the open pool is seen by everyone and changed by its team alone (K-06):
    huang sees it (200) and may not change it (403); li's issue is hers to follow up, not chen's."""
    from tests.factories import AccountFactory

    prospect = AccountFactory(owner=None, status="prospect")
    client = client_with(token_for(outsider))
    assert client.get(f"/api/accounts/{prospect.pk}/").status_code == 200
    assert client.patch(f"/api/accounts/{prospect.pk}/", {"name": "x"}, format="json").status_code == 403
    issue = world["ours"]["issue"]
    follow = client_with(token_for(teammate)).post(f"/api/issues/{issue.pk}/follow-up/", {"status": "in_progress"},
                                                   format="json")
    assert follow.status_code == 403


def test_a_revoked_token_and_an_inactive_owners_token_are_refused(world, manager):
    from api.models import AccessToken
    from api.services import access_token_revoke

    token = token_for(manager)
    assert client_with(token).get("/api/accounts/").status_code == 200
    access_token_revoke(token=AccessToken.objects.get(user=manager), by=manager)
    assert client_with(token).get("/api/accounts/").status_code == 401
    other = token_for(manager)
    manager.is_active = False
    manager.save()
    assert client_with(other).get("/api/accounts/").status_code == 401
