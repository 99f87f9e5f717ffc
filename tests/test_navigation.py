"""The navigation offers each persona the pages its permissions open, asked of the same rules
the pages ask (issue 14): a link someone may not follow is not shown, and a page everyone may
use is not hidden behind the admin's menu."""

import pytest
from django.urls import reverse

from users.models import User

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


# --- The menu rendered once per process (issue 19, page ÷ floor) ----------------------------------
# partials/nav.html keeps each combination of flags and language as the string it rendered
# (core/templatetags/memo.py); these stories prove that nobody reads someone else's menu.

PORTFOLIO = ["accounts:list", "visits:list", "visits:sign-off", "care:home", "contacts:list", "hub:portfolio",
             "reports:index", "hub:search"]


def menu_of(client, path=None):
    return client.get(path or reverse("notifications:list")).content.decode()


def test_a_role_change_shows_the_new_menu_on_the_next_page(client, manager):
    client.force_login(manager)
    assert links(client) == {"notifications:robots"}
    User.objects.filter(pk=manager.pk).update(role=User.Role.ADMIN)
    assert links(client) == {*ADMIN_ONLY, "notifications:robots"} - {"admin:index"}  # not Django's is_staff
    User.objects.filter(pk=manager.pk).update(role=User.Role.MANAGER)
    assert links(client) == {"notifications:robots"}


def test_a_language_switch_shows_the_menu_in_that_language(client, manager):
    client.force_login(manager)
    assert ">Accounts</a>" in menu_of(client)
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    chinese = menu_of(client)
    assert ">客户</a>" in chinese and ">Accounts</a>" not in chinese
    assert '<option value="zh-hans" lang="zh-hans" selected>' in chinese
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert ">Accounts</a>" in menu_of(client)


def test_department_staff_never_see_portfolio_links_and_each_sees_their_own_queue(
        client, manager, service_member, finance_member):
    client.force_login(manager)
    assert f'href="{reverse("accounts:list")}"' in menu_of(client)  # the manager's menu is in the memo now
    for member in (service_member, finance_member):
        client.force_login(member)
        html = menu_of(client)
        assert not [name for name in PORTFOLIO if f'href="{reverse(name)}"' in html]
        assert f'href="{reverse("departments:queue", args=[member.department_id])}"' in html
    assert f'href="{reverse("departments:queue", args=[service_member.department_id])}"' not in html


def test_the_current_page_is_marked_in_the_menu(client, manager, service_member):
    client.force_login(manager)
    html = menu_of(client, reverse("accounts:list"))
    assert f'class="nav-link active" href="{reverse("accounts:list")}"' in html
    assert f'class="nav-link" href="{reverse("care:home")}"' in html
    html = menu_of(client, reverse("care:home"))
    assert f'class="nav-link active" href="{reverse("care:home")}"' in html
    assert f'class="nav-link" href="{reverse("accounts:list")}"' in html
    client.force_login(service_member)
    queue = reverse("departments:queue", args=[service_member.department_id])
    assert f'class="nav-link active" href="{queue}"' in menu_of(client, queue)


def test_a_memo_block_sees_only_its_keys():
    from django.template import Context, Template

    memo = Template("{% load memo %}{% memo a=a %}[{{ a }}{{ b }}]{% endmemo %}")
    assert memo.render(Context({"a": 1, "b": "secret"})) == "[1]"
    assert memo.render(Context({"a": 2, "b": "secret"})) == "[2]"
    assert memo.render(Context({"a": 1, "b": "other"})) == "[1]"


def test_templates_are_compiled_once_per_process():
    """Django's cached loader wraps the filesystem and app loaders whenever TEMPLATES names no
    loaders (every settings module shares base.py's TEMPLATES): a memo lives as long as its template."""
    from django.conf import settings
    from django.template import engines

    assert all("loaders" not in backend.get("OPTIONS", {}) for backend in settings.TEMPLATES)
    loaders = engines["django"].engine.template_loaders
    assert [type(loader).__module__ for loader in loaders] == ["django.template.loaders.cached"]
