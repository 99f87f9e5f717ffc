"""Issue 19: a manager's or supervisor's report scope is an array of their accounts' ids read once
(reports.analytics.bounded_ids_sql), so that each report probes those accounts by index instead of
hashing them against every account; the accounts it covers are visible_to's, filters applied, and
an admin's unfiltered scope stays every active account, read whole."""

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import Account, AccountTeamMember
from reports import analytics
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


def ids(scope):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM accounts_account WHERE id IN ({scope.account_ids_sql})", scope.params)
        return sorted(row[0] for row in cursor.fetchall())


def test_each_persona_s_scope_is_the_accounts_it_may_see_with_the_filters(manager, teammate, supervisor, admin,
                                                                        outsider, team):
    mine, theirs, far = AccountFactory(owner=manager), AccountFactory(owner=teammate), AccountFactory(owner=outsider)
    AccountFactory(owner=manager, archived_at=timezone.now())
    pool = AccountFactory(owner=None, status=Account.Status.PROSPECT)
    served = AccountFactory(owner=outsider)
    AccountTeamMember.objects.create(account=served, user=manager)
    for user in (manager, teammate, supervisor, admin, outsider):
        expected = sorted(Account.objects.visible_to(user).active().values_list("pk", flat=True))
        assert ids(analytics.scope(user)) == expected
        assert analytics.scope(user).every is user.is_admin
    assert ids(analytics.scope(supervisor, manager=manager)) == [mine.pk]
    assert ids(analytics.scope(admin, team=team)) == sorted([mine.pk, theirs.pk])
    assert {mine.pk, theirs.pk, pool.pk, served.pk} <= set(ids(analytics.scope(manager)))
    assert far.pk not in ids(analytics.scope(manager))


def test_a_bounded_scope_reads_its_ids_once_and_the_admins_stays_a_plain_subquery(manager, admin):
    assert analytics.scope(manager).account_ids_sql.startswith("SELECT unnest(ARRAY(")
    assert analytics.scope(admin, manager=manager).account_ids_sql.startswith("SELECT unnest(ARRAY(")
    assert "unnest" not in analytics.scope(admin).account_ids_sql
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN SELECT count(*) FROM accounts_account a WHERE a.id IN ("
                       + analytics.scope(manager).account_ids_sql + ")", analytics.scope(manager).params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "InitPlan" in plan  # the scope's ids read once, whatever joins them
