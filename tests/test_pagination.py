"""Issue 19: a huge list is not counted to its end on every page. The account and contact lists
count at most core.pagination.COUNT_CAP rows (unordered, so PostgreSQL stops there) and say
"more than N"; `?count=exact` gives the real count. Scopes add nothing for an admin."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contacts.models import Contact
from core import pagination
from tests.factories import AccountFactory, ContactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cap_of_five(monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_CAP", 5)


def test_an_admin_with_more_contacts_than_the_cap_is_told_more_than_and_can_count_them_all(
        client, admin, manager, cap_of_five):
    account = AccountFactory(owner=manager)
    ContactFactory.create_batch(8, account=account)
    client.force_login(admin)

    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("contacts:list"))
    html = page.content.decode()
    assert "More than 5 contacts: search or filter to narrow them." in html
    assert len(page.context["contacts"]) == 5
    count_sql = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper() and "contacts_contact" in q["sql"]]
    assert count_sql and all("LIMIT 6" in sql and "ORDER BY" not in sql for sql in count_sql)

    exact = client.get(reverse("contacts:list"), {"count": "exact"})
    assert "8 contacts" in exact.content.decode() and "More than" not in exact.content.decode()
    assert client.get(reverse("contacts:list"), {"count": "exact", "page": "2"}).status_code == 200


def test_a_list_under_the_cap_is_counted_exactly(client, manager, cap_of_five):
    AccountFactory.create_batch(3, owner=manager)
    client.force_login(manager)
    html = client.get(reverse("accounts:list")).content.decode()
    assert "3 accounts" in html and "More than" not in html


def test_the_account_list_says_more_than_past_the_cap(client, admin, manager, cap_of_five):
    AccountFactory.create_batch(7, owner=manager)
    client.force_login(admin)
    html = client.get(reverse("accounts:list")).content.decode()
    assert "More than 5 accounts" in html and "?count=exact" in html


def test_an_admins_contact_scope_is_every_live_contact_without_a_subquery(admin, manager):
    ContactFactory(account=AccountFactory(owner=manager))
    sql = str(Contact.objects.visible_to(admin).query)
    assert "accounts_account" not in sql
    assert Contact.objects.visible_to(admin).count() == 1


def test_an_admins_visit_list_is_capped_and_its_scope_adds_nothing(client, admin, manager, cap_of_five):
    from tests.visits.factories import VisitFactory
    from visits.models import Visit

    account = AccountFactory(owner=manager)
    for _ in range(7):
        VisitFactory(account=account, author=manager)
    assert "accounts_account" not in str(Visit.objects.visible_to(admin).query)
    client.force_login(admin)
    page = client.get(reverse("visits:list"))
    assert page.context["page_obj"].paginator.capped and len(page.context["visits"]) == 5
    assert client.get(reverse("visits:list"), {"count": "exact"}).context["page_obj"].paginator.count == 7
