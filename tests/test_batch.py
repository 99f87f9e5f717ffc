"""core.batch.fetch_together: several short lists of a page in one statement (issue 19), with the
same rows Django would have given one query at a time."""

from decimal import Decimal

import pytest
from django.db.models import Count

from accounts.models import AccountTeamMember, Order
from contacts.models import BuyerRole, Contact
from core.batch import fetch_together
from tests.factories import AccountFactory, BuyerRoleFactory, ContactFactory, OrderFactory

pytestmark = pytest.mark.django_db


def fields_of(rows):
    return [{f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields} for row in rows]


def test_three_lists_come_in_one_statement_equal_to_three_queries(manager, teammate, django_assert_num_queries):
    account = AccountFactory(owner=manager)
    for amount in ("1234567.89", "0.10", "99999.99"):
        OrderFactory(account=account, amount=Decimal(amount))
    AccountTeamMember.objects.create(account=account, user=teammate)
    BuyerRoleFactory(contact=ContactFactory(account=account, name="周总"), role="decision_maker")
    orders = Order.objects.filter(account=account).order_by("-signed_on", "-id")[:2]
    team = AccountTeamMember.objects.filter(account=account).select_related("user__team")
    roles = BuyerRole.objects.filter(account=account).select_related("contact")

    with django_assert_num_queries(1):
        got = fetch_together(orders=orders, team=team, roles=roles)

    assert fields_of(got["orders"]) == fields_of(orders) and len(got["orders"]) == 2
    assert isinstance(got["orders"][0].amount, Decimal)
    assert fields_of(got["roles"]) == fields_of(roles)
    with django_assert_num_queries(0):  # select_related rows came along
        assert got["team"][0].user.team == teammate.team
        assert got["roles"][0].contact.name == "周总"


def test_values_annotations_and_an_empty_list(manager):
    account = AccountFactory(owner=manager)
    ContactFactory(account=account)
    ContactFactory(account=account)

    got = fetch_together(
        counts=Contact.objects.filter(account=account).order_by().values("account").annotate(n=Count("pk")),
        none=Order.objects.filter(account=account),
    )

    assert got == {"counts": [{"account": account.pk, "n": 2}], "none": []}


def test_a_queryset_that_cannot_match_costs_nothing_and_reads_as_empty(manager, django_assert_num_queries):
    account = AccountFactory(owner=manager)
    ContactFactory(account=account)

    with django_assert_num_queries(1):
        got = fetch_together(none=Contact.objects.filter(pk__in=[]), some=Contact.objects.filter(account=account))

    assert got["none"] == [] and len(got["some"]) == 1
