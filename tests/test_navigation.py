"""The navigation offers each persona the pages its permissions open, asked of the same rules
the pages ask (issue 14): a link someone may not follow is not shown, and a page everyone may
use is not hidden behind the admin's menu."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ADMIN_ONLY = {"care:settings": "Care settings", "notifications:outbox": "Outgoing messages",
              "audit:list": "Audit log", "people:list": "People",
              "admin:index": "Administration"}


def links(client):
    html = client.get(reverse("notifications:list")).content.decode()
    return {name for name in (*ADMIN_ONLY, "notifications:robots") if f'href="{reverse(name)}"' in html}


@pytest.mark.parametrize("who", ["manager", "supervisor"])
def test_a_manager_or_supervisor_finds_their_chat_robots_but_no_admin_page(client, who, request):
    client.force_login(request.getfixturevalue(who))
    assert links(client) == {"notifications:robots"}
    assert client.get(reverse("notifications:robots")).status_code == 200
    for name in ADMIN_ONLY:
        assert client.get(reverse(name)).status_code in (302, 404), name


def test_an_admin_finds_every_admin_page(client, admin):
    client.force_login(admin)
    assert links(client) == {*ADMIN_ONLY, "notifications:robots"}
    for name in ADMIN_ONLY:
        assert client.get(reverse(name)).status_code == 200, name
