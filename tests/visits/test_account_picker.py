"""Issue 20, item 5: the visit form's search-as-you-type account picker. It offers exactly the
accounts the user may log for (K-05: owned or served; a supervisor's team's), a page at a time,
in a fixed number of queries however large the portfolio; without JavaScript the plain select
stays the picker."""

import re

import factory
import pytest
from django.urls import reverse

from tests.factories import AccountFactory
from visits.services import visit_log

pytestmark = pytest.mark.django_db
URL = reverse("visits:account-options")


def names(response):
    return re.findall(r'data-account="\d+">\s*([^<\n]+?)\s*(?:<|\n)', response.content.decode())


def test_k05_the_picker_finds_the_managers_own_accounts_by_part_of_the_name(client, manager, outsider):
    AccountFactory(name="青岛海尔", owner=manager)
    AccountFactory(name="海信", owner=manager)
    AccountFactory(name="海尔 (South)", owner=outsider)  # another team's: never offered
    client.force_login(manager)
    assert names(client.get(URL, {"q": "海尔"})) == ["青岛海尔"]
    assert names(client.get(URL, {"q": "海"})) == ["海信", "青岛海尔"]
    assert "No account of yours matches." in client.get(URL, {"q": "Siemens"}).content.decode()


def test_k05_a_supervisor_finds_the_teams_accounts_and_an_outsider_none_of_them(
        client, manager, supervisor, outsider):
    AccountFactory(name="东方电子", owner=manager)
    client.force_login(supervisor)
    assert names(client.get(URL, {"q": "东方"})) == ["东方电子"]
    client.force_login(outsider)
    assert names(client.get(URL, {"q": "东方"})) == []


def test_a_portfolio_of_hundreds_comes_a_page_at_a_time_in_a_fixed_number_of_queries(
        client, manager, django_assert_max_num_queries):
    AccountFactory.create_batch(45, owner=manager, name=factory.Sequence(lambda n: f"Account {n:02d}"))
    client.force_login(manager)
    client.get(URL)  # the session is warm
    seen = []
    for page, expected in [(1, 20), (2, 20), (3, 5)]:
        # session, user, one page of accounts (+1 row to know of a next); the idle timeout's
        # session refresh (savepoint, update, release)
        with django_assert_max_num_queries(6):
            response = client.get(URL, {"page": page})
        assert len(names(response)) == expected
        assert ("More accounts" in response.content.decode()) == (page < 3)
        seen += names(response)
    assert seen == sorted(seen) and len(set(seen)) == 45  # by name, each once


@pytest.mark.parametrize("query", [{"page": "abc"}, {"page": "99999999999999999999"}, {"q": "x" * 500},
                                   {"q": "\u00e9' OR 1=1 --"}])
def test_a_bad_query_shows_the_first_page_or_nothing_never_an_error(client, manager, query):
    AccountFactory(name="Haier", owner=manager)
    client.force_login(manager)
    assert client.get(URL, query).status_code == 200


def test_the_form_keeps_its_select_for_a_phone_without_javascript_and_hides_the_search_box(client, manager):
    AccountFactory(name="Haier", owner=manager)
    client.force_login(manager)
    html = client.get(reverse("visits:create")).content.decode()
    assert '<select name="account"' in html and ">Haier</option>" in html
    assert re.search(r'class="mb-3 d-none js-account-search"', html)  # shown by app.js only
    assert 'name="q" form=""' in html  # outside the visit's own data


def test_the_edit_form_has_no_picker(client, manager):
    visit = visit_log(account=AccountFactory(owner=manager), by=manager, channel="on_site", purpose="p", summary="s")
    client.force_login(manager)
    assert "js-account-search" not in client.get(reverse("visits:edit", args=[visit.pk])).content.decode()
