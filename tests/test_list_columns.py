"""Issue 25, item 3: the columns people look for. The accounts list shows each account's tier
(K-30) and the contacts list each contact's buyer roles (K-11), in the list's own query: the
pinned query counts of tests/accounts and tests/contacts stay as they were."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import AccountFactory, BuyerRoleFactory, ContactFactory
from tiering.models import AccountTier, Tier

pytestmark = pytest.mark.django_db


def tiered(owner, code, name):
    account = AccountFactory(owner=owner, name=name)
    AccountTier.objects.create(account=account, tier=Tier.objects.get(code=code), set_at=timezone.now())
    return account


def csv_rows(response):
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def queries_of(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_k30_the_accounts_list_shows_each_accounts_tier(client, manager, default_tiers):
    tiered(manager, "A", "Haier")
    AccountFactory(owner=manager, name="Midea")
    client.force_login(manager)

    html = client.get(reverse("accounts:list")).content.decode()

    assert '<th scope="col">Tier</th>' in html
    haier = html[html.index(">Haier<"):]
    assert '<span class="badge text-bg-primary"' in haier[:haier.index("</tr>")]
    midea = html[html.index(">Midea<"):]
    assert "Not tiered" in midea[:midea.index("</tr>")]


def test_k30_the_tier_column_costs_no_query_per_row(client, manager, default_tiers):
    tiered(manager, "A", "Account 0")
    client.force_login(manager)
    client.get(reverse("home"))  # the session's expiry was just pushed: not the list's cost
    few = queries_of(client, reverse("accounts:list"))
    for i in range(1, 30):
        tiered(manager, "ABC"[i % 3], f"Account {i}")
    assert queries_of(client, reverse("accounts:list")) == few


def test_k30_the_accounts_download_has_the_tier(client, manager, default_tiers):
    tiered(manager, "B", "Haier")
    client.force_login(manager)
    rows = csv_rows(client.get(reverse("accounts:list"), {"format": "csv"}))
    assert rows[1][rows[0].index("Tier")] == "B"


def test_k11_the_contacts_list_shows_every_role_even_when_filtered_by_one(client, manager):
    account = AccountFactory(owner=manager)
    zhou = ContactFactory(account=account, name="Zhou")
    BuyerRoleFactory(contact=zhou, role="coach")
    BuyerRoleFactory(contact=zhou, role="decision_maker")
    ContactFactory(account=account, name="Wu")
    client.force_login(manager)

    page = client.get(reverse("contacts:list"), {"role": "coach"})

    assert [c.name for c in page.context["contacts"]] == ["Zhou"]
    assert page.context["contacts"][0].role_labels == ["Decision-maker", "Coach"]  # the method's order
    html = page.content.decode()
    assert '<th scope="col" class="d-none d-sm-table-cell">Buyer role</th>' in html
    assert html.count(">Decision-maker</span>") == 2  # the column, and under the name on a phone
    assert "Wu" not in html


def test_k11_the_roles_column_costs_no_query_per_row(client, manager):
    account = AccountFactory(owner=manager)
    BuyerRoleFactory(contact=ContactFactory(account=account, name="Contact 0"), role="user")
    client.force_login(manager)
    client.get(reverse("home"))  # the session's expiry was just pushed: not the list's cost
    few = queries_of(client, reverse("contacts:list"))
    for i in range(1, 30):
        contact = ContactFactory(account=account, name=f"Contact {i}")
        BuyerRoleFactory(contact=contact, role="user")
        BuyerRoleFactory(contact=contact, role="coach")
    assert queries_of(client, reverse("contacts:list")) == few


def test_k11_the_contacts_download_has_the_roles(client, manager):
    zhou = ContactFactory(account=AccountFactory(owner=manager), name="Zhou")
    BuyerRoleFactory(contact=zhou, role="gatekeeper")
    client.force_login(manager)
    rows = csv_rows(client.get(reverse("contacts:list"), {"format": "csv"}))
    assert rows[1][rows[0].index("Buyer roles")] == "Technical gatekeeper"
