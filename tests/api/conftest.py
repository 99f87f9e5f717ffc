"""The API's personas are the app's (tests/conftest.py), each with a personal access token."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from api.services import access_token_create
from care.models import CareTask
from tests.factories import AccountFactory, BuyerRoleFactory, ContactFactory, OrderFactory
from tests.visits.factories import CustomerIssueFactory, VisitFactory


def token_for(user, scope="read_write"):
    return access_token_create(user=user, name=f"{user.username} {scope}", scope=scope)[1]


def client_with(token=None):
    client = APIClient()
    if token:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


@pytest.fixture
def as_user():
    """as_user(li) -> an API client carrying a read-write token of li's; scope="read" for read-only."""
    return lambda user, scope="read_write": client_with(token_for(user, scope))


@pytest.fixture
def world(manager, teammate, supervisor, outsider, admin):
    """A team account of li's (with a contact, a visit, an issue, a care task) and one of the
    outsider's in another team, which li must never see."""
    ours = AccountFactory(name="上海机电", owner=manager)
    theirs = AccountFactory(name="广州电子", owner=outsider)
    rows = {}
    for side, account, person in (("ours", ours, manager), ("theirs", theirs, outsider)):
        contact = ContactFactory(account=account, name=f"{side} contact")
        visit = VisitFactory(account=account, author=person, contacts=[contact])
        rows[side] = {
            "account": account, "contact": contact, "visit": visit,
            "issue": CustomerIssueFactory(visit=visit),
            "role": BuyerRoleFactory(contact=contact),
            "order": OrderFactory(account=account),
            "task": CareTask.objects.create(kind=CareTask.Kind.CUSTOM, account=account, contact=contact, owner=person,
                                            due_on=timezone.localdate(), occasion=f"{side}-call", title="Call"),
        }
    return rows
