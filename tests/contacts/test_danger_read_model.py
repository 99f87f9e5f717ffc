"""The danger ranking's read model (issue 19): the danger map ranks from a score the database keeps
on every change of a buying centre, equal to the rules computed live (K-13)."""

import pytest
from django.db import connection, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Account
from contacts import dangers
from contacts.dangers import with_danger_score
from contacts.models import BuyerRole, Contact, DangerScore
from tests.factories import AccountFactory, BuyerRoleFactory, ContactFactory

pytestmark = pytest.mark.django_db

ROLES = [r.value for r in BuyerRole.Role]


def scores(ids, *, live=False):
    return dict(with_danger_score(Account.objects.filter(pk__in=ids), live=live).values_list("pk", "danger_score"))


def agree(ids):
    stored = scores(ids)
    assert stored == scores(ids, live=True)
    return stored


class Rollback(Exception):
    pass


holder = st.tuples(st.sampled_from(ROLES), st.booleans(), st.integers(1, 5), st.integers(1, 5),
                   st.one_of(st.none(), st.integers(1, 5)))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(portfolio=st.lists(st.lists(holder, max_size=6), min_size=1, max_size=4),
       changes=st.lists(st.tuples(st.integers(0, 23), st.sampled_from(["left", "level", "influence", "remove"]),
                                  st.integers(1, 5)), max_size=5))
def test_the_kept_score_equals_the_rules_for_random_buying_centres(db, portfolio, changes):
    try:
        with transaction.atomic():
            ids, roles = [], []
            for holders in portfolio:
                account = AccountFactory()
                ids.append(account.pk)
                for role, active, influence, level, touch_level in holders:
                    contact = ContactFactory(account=account, status="active" if active else "left",
                                             left_on=None if active else timezone.localdate(), touch_level=touch_level)
                    roles.append(BuyerRoleFactory(contact=contact, role=role, influence=influence,
                                                  contact_level=level))
            for index, change, value in changes:
                if index >= len(roles):
                    continue
                role = roles[index]
                if change == "left":
                    Contact.objects.filter(pk=role.contact_id).update(status="left", left_on=timezone.localdate())
                elif change == "level":
                    Contact.objects.filter(pk=role.contact_id).update(touch_level=value)
                elif change == "influence":
                    BuyerRole.objects.filter(pk=role.pk).update(influence=value)
                else:
                    BuyerRole.objects.filter(pk=role.pk).delete()
            agree(ids)
            raise Rollback
    except Rollback:
        pass


def test_each_writer_of_a_buying_centre_keeps_its_score(db):
    account, other = AccountFactory(), AccountFactory()
    assert agree([account.pk]) == {account.pk: 7}  # its row from its creation: every role open
    assert DangerScore.objects.get(pk=account.pk).name == account.name
    boss = BuyerRoleFactory(contact=ContactFactory(account=account), role="decision_maker", influence=5,
                            contact_level=1)
    assert DangerScore.objects.get(pk=account.pk).score == 5 + 2  # three roles open (2+2+1), a danger zone (2)
    agree([account.pk])

    BuyerRole.objects.filter(pk=boss.pk).update(contact_level=4)
    assert DangerScore.objects.get(pk=account.pk).score == 5
    Contact.objects.filter(pk=boss.contact_id).update(touch_level=1)  # the visits say otherwise (K-13)
    assert DangerScore.objects.get(pk=account.pk).score == 7
    Contact.objects.filter(pk=boss.contact_id).update(status="left", left_on=timezone.localdate())
    agree([account.pk])

    # A contact and its role moved to another account (a merge), then the role removed.
    Contact.objects.filter(pk=boss.contact_id).update(account=other)
    BuyerRole.objects.filter(pk=boss.pk).update(account=other)
    assert agree([account.pk, other.pk]) == {account.pk: 7, other.pk: DangerScore.objects.get(pk=other.pk).score}
    BuyerRole.objects.filter(pk=boss.pk).delete()
    assert DangerScore.objects.get(pk=other.pk).score == 7


def test_a_rebuild_repairs_what_bypassed_the_triggers(db):
    account = AccountFactory()
    BuyerRoleFactory(contact=ContactFactory(account=account), role="coach")
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("UPDATE contacts_dangerscore SET score = 0 WHERE account_id = %s", [account.pk])
        cursor.execute("SET session_replication_role = origin")
    assert scores([account.pk]) != scores([account.pk], live=True)
    assert dangers.rebuild() == 1
    agree([account.pk])
    assert dangers.rebuild() == 0


def test_the_danger_map_ranks_from_the_kept_score(client, manager):
    worst, safe = AccountFactory(owner=manager, name="Worst"), AccountFactory(owner=manager, name="Safe")
    for role in ROLES:
        BuyerRoleFactory(contact=ContactFactory(account=safe), role=role)
    client.force_login(manager)
    response = client.get("/accounts/dangers/")
    names = [account.name for account, _dangers in response.context["rows"]]
    assert names.index("Worst") < names.index("Safe")
    assert DangerScore.objects.get(pk=worst.pk).score == 7  # never touched: its row since its creation


def test_the_admins_danger_map_ranks_every_account_from_the_index_as_the_rules_do(client, admin, manager):
    """Every account has its row from its creation, with its name beside the score (kept on a
    rename, also by raw SQL): an admin's map, ranked from the read model's (score, name) index, lists
    the accounts in the order the live rules give, and a rebuild finds nothing to repair."""
    accounts = [AccountFactory(owner=manager, name=name) for name in ("Delta", "Alpha", "Charlie", "Bravo")]
    AccountFactory(owner=None, status=Account.Status.PROSPECT, name="Pool")  # not on the map
    AccountFactory(owner=manager, archived_at=timezone.now(), name="Archived")
    for role in ROLES:
        BuyerRoleFactory(contact=ContactFactory(account=accounts[0]), role=role)
    BuyerRoleFactory(contact=ContactFactory(account=accounts[1]), role="coach")
    Account.objects.filter(pk=accounts[2].pk).update(name="Aardvark")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_account SET name = 'Zulu' WHERE id = %s", [accounts[3].pk])
    assert dict(DangerScore.objects.filter(pk__in=[a.pk for a in accounts]).values_list("pk", "name")) == {
        accounts[0].pk: "Delta", accounts[1].pk: "Alpha", accounts[2].pk: "Aardvark", accounts[3].pk: "Zulu"}
    live = list(with_danger_score(Account.objects.active().exclude(status=Account.Status.PROSPECT), live=True)
                .order_by("-danger_score", "name", "pk").values_list("name", flat=True))
    client.force_login(admin)
    response = client.get("/accounts/dangers/")
    assert [account.name for account, _dangers in response.context["rows"]] == live
    assert live == ["Aardvark", "Zulu", "Alpha", "Delta"]
    assert dangers.rebuild() == 0
