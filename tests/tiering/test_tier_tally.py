"""Issue 19: the admin dashboard's tier counts come from a tally the database keeps
(tiering.tally) — accounts per tier, tiers set by hand, customers without a tier — equal after any
sequence of writes to the counts over the tables themselves, and repaired by a rebuild after a load
that bypassed the triggers."""

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Account
from tests.factories import AccountFactory
from tiering import tally
from tiering.models import AccountTier, Tier

pytestmark = pytest.mark.django_db

STATUSES = [s.value for s in Account.Status]


def live_counts():
    counts = {(tally.TIER, t.pk): t.accounts.count() for t in Tier.objects.all()}
    counts[(tally.OVERRIDE, 0)] = AccountTier.objects.filter(source=AccountTier.Source.OVERRIDE).count()
    counts[(tally.UNTIERED, 0)] = Account.objects.customers().filter(tier_state__isnull=True).count()
    return {key: n for key, n in counts.items() if n}


def kept_counts():
    return {key: n for key, n in tally.counts().items() if n}


class Rollback(Exception):
    pass


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(accounts=st.lists(st.tuples(st.sampled_from(STATUSES), st.booleans()), min_size=1, max_size=6),
       writes=st.lists(st.tuples(st.sampled_from(["tier", "override", "untier", "status", "archive", "restore",
                                                  "delete", "raw", "rename"]),
                                 st.integers(0, 5), st.integers(0, 3)), max_size=8))
def test_the_kept_counts_equal_the_tables_after_any_writes(db, default_tiers, accounts, writes):
    tiers = list(Tier.objects.order_by("rank"))
    try:
        with transaction.atomic():
            made = [AccountFactory(status=status, archived_at=timezone.now() if archived else None)
                    for status, archived in accounts]
            for write, index, value in writes:
                account = made[index % len(made)]
                if not Account.objects.filter(pk=account.pk).exists():
                    continue
                tier = tiers[value % len(tiers)]
                if write in ("tier", "override"):
                    AccountTier.objects.update_or_create(account=account, defaults={
                        "tier": tier, "set_at": timezone.now(),
                        "source": "override" if write == "override" else "review",
                        "override_reason": "By hand" if write == "override" else ""})
                elif write == "untier":
                    AccountTier.objects.filter(account=account).delete()
                elif write == "status":
                    Account.objects.filter(pk=account.pk).update(status=STATUSES[value % len(STATUSES)])
                elif write in ("archive", "restore"):
                    Account.objects.filter(pk=account.pk).update(
                        archived_at=timezone.now() if write == "archive" else None)
                elif write == "delete":
                    AccountTier.objects.filter(account=account).delete()
                    Account.objects.filter(pk=account.pk).delete()
                elif write == "rename":
                    Account.objects.filter(pk=account.pk).update(name=f"Renamed {value}")
                else:  # many rows in one raw statement
                    with connection.cursor() as cursor:
                        cursor.execute("UPDATE tiering_accounttier SET tier_id = %s", [tier.pk])
                        cursor.execute("UPDATE accounts_account SET status = %s WHERE id = ANY(%s)",
                                       [STATUSES[value % len(STATUSES)], [a.pk for a in made[:2]]])
            assert kept_counts() == live_counts()
            assert tally.rebuild() == 0
            raise Rollback
    except Rollback:
        pass


def test_a_load_that_bypassed_the_triggers_is_repaired_by_a_rebuild(default_tiers):
    tier = Tier.objects.order_by("rank").first()
    account = AccountFactory()
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("INSERT INTO tiering_accounttier (account_id, tier_id, source, override_reason, set_at) "
                       "VALUES (%s, %s, 'override', 'By hand', now())", [account.pk, tier.pk])
        cursor.execute("SET session_replication_role = origin")
    assert kept_counts() != live_counts()
    assert tally.rebuild() == 3  # the tier's count, the overrides', the untiered's
    assert kept_counts() == live_counts()
    assert tally.rebuild() == 0


def test_the_admin_dashboard_shows_the_kept_counts(client, admin, manager, default_tiers,
                                                   django_assert_max_num_queries):
    b = Tier.objects.get(code="B")
    AccountTier.objects.create(account=AccountFactory(owner=manager), tier=b, set_at=timezone.now())
    AccountTier.objects.create(account=AccountFactory(owner=manager), tier=b, set_at=timezone.now(),
                               source="override", override_reason="Key customer")
    AccountFactory(owner=manager)  # a customer without a tier
    AccountFactory(owner=manager, status="prospect")  # no customer: not counted
    client.force_login(admin)
    with django_assert_max_num_queries(9):
        context = client.get(reverse("home")).context
    assert {t.code: t.n for t in context["tiers"]} == {t.code: t.accounts.count() for t in Tier.objects.all()}
    assert (context["untiered"], context["overrides"]) == (1, 1)
