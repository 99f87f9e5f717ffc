"""Cadence (K-30, K-25): how often each tier must be touched and how, counted in
calendar months of Asia/Shanghai or in rolling days, the silent-period fallback,
and the overdue list the reminders and filters read."""

import calendar
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import timezone

from tests.factories import AccountFactory, ContactFactory
from tiering.cadence import cadence_for, overdue_account_ids_sql
from tiering.models import AccountTier, CadenceRequirement, Tier
from visits.services import visit_log

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_day")]  # tests/clock.py

SHANGHAI = ZoneInfo("Asia/Shanghai")



def today():
    return timezone.localdate()


def month(back):
    """The first day of the month `back` months before this one."""
    year, index = divmod(today().year * 12 + today().month - 1 - back, 12)
    return date(year, index + 1, 1)


def month_end(day):
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def at(day, hour=10, minute=0):
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def tiered(code, *, owner, set_at=None, **fields):
    account = AccountFactory(owner=owner, **fields)
    AccountTier.objects.create(account=account, tier=Tier.objects.get(code=code), set_at=timezone.now())
    if set_at is not None:
        AccountTier.objects.filter(account=account).update(set_at=set_at)
    return account


def touch(account, by, when, channel="on_site"):
    return visit_log(account=account, by=by, occurred_at=when, channel=channel, purpose="Keep in touch",
                     summary="Went through the open points.")


def need(account):
    [only] = cadence_for([account.pk])[account.pk]
    return only


def overdue_ids():
    sql, params = overdue_account_ids_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0] for row in cursor.fetchall()}


@pytest.fixture
def a_account(manager):
    """A strategic account, tier A since two months ago: one on-site visit per calendar month."""
    return tiered("A", owner=manager, name="Haier", set_at=at(month(2)))


# --- K-30: A, one on-site visit per calendar month ----------------------------------------------


def test_k30_a_visit_on_the_15th_of_last_month_is_due_again_by_the_end_of_this_month(a_account, manager):
    visit = touch(a_account, manager, at(month(1).replace(day=15)))

    due = need(a_account)

    assert (due.channel_group, due.touches, due.period, due.silent) == ("on_site", 1, "calendar_month", False)
    assert due.counted_touch == visit.occurred_at
    assert due.due_on == month_end(today())
    assert not due.overdue
    assert a_account.pk not in overdue_ids()


def test_k30_a_last_visit_two_months_ago_is_overdue(a_account, manager):
    touch(a_account, manager, at(month(2).replace(day=15)))

    due = need(a_account)

    assert due.due_on == month_end(month(1))
    assert due.overdue
    assert a_account.pk in overdue_ids()


def test_k30_a_phone_call_is_no_on_site_visit(a_account, manager):
    visit = touch(a_account, manager, at(month(2).replace(day=15)))
    touch(a_account, manager, timezone.now() - timedelta(hours=1), channel="phone")

    due = need(a_account)

    assert due.counted_touch == visit.occurred_at
    assert due.overdue


def test_k30_a_visit_at_2330_on_the_last_day_of_a_month_counts_for_that_month(a_account, manager):
    touch(a_account, manager, at(month_end(month(2)), 23, 30))

    assert need(a_account).due_on == month_end(month(1))
    assert need(a_account).overdue


def test_k30_a_visit_at_0030_shanghai_on_the_first_counts_for_the_new_month(a_account, manager):
    # 00:30 in Shanghai is 16:30 UTC of the day before, still in the previous month.
    touch(a_account, manager, at(month(1), 0, 30))

    assert need(a_account).due_on == month_end(today())
    assert not need(a_account).overdue


def test_k30_the_latest_visit_counts(a_account, manager):
    touch(a_account, manager, at(month(2).replace(day=3)))
    latest = touch(a_account, manager, at(month(1).replace(day=3)))

    assert need(a_account).counted_touch == latest.occurred_at
    assert not need(a_account).overdue


# --- K-30: B, an online touch every 14 days -------------------------------------------------------


def test_k30_b_is_due_14_days_after_the_last_online_touch(manager):
    account = tiered("B", owner=manager, set_at=timezone.now() - timedelta(days=60))
    # 01:00 in Shanghai is the evening before in UTC: the local date counts.
    day = today() - timedelta(days=5)
    touch(account, manager, at(day, 1, 0), channel="wechat")

    due = need(account)

    assert (due.channel_group, due.period, due.days) == ("online", "days", 14)
    assert due.due_on == day + timedelta(days=14)
    assert not due.overdue


@pytest.mark.parametrize("channel", ["phone", "video", "email", "sms", "wechat"])
def test_k30_every_online_channel_counts_for_b(manager, channel):
    account = tiered("B", owner=manager, set_at=timezone.now() - timedelta(days=60))
    touch(account, manager, timezone.now() - timedelta(days=3), channel=channel)

    assert not need(account).overdue


def test_k30_b_is_overdue_when_the_last_online_touch_is_older_than_14_days(manager):
    account = tiered("B", owner=manager, set_at=timezone.now() - timedelta(days=60))
    touch(account, manager, timezone.now() - timedelta(days=20), channel="phone")

    assert need(account).overdue
    assert account.pk in overdue_ids()


# --- K-30: C, an e-mail or SMS per calendar month --------------------------------------------------


def test_k30_c_an_sms_last_month_is_due_again_by_the_end_of_this_month(manager):
    account = tiered("C", owner=manager, set_at=at(month(3)))
    touch(account, manager, at(month(1).replace(day=15)), channel="sms")

    due = need(account)

    assert (due.channel_group, due.period) == ("email_sms", "calendar_month")
    assert due.due_on == month_end(today())
    assert not due.overdue


def test_k30_c_a_phone_call_is_no_e_mail(manager):
    account = tiered("C", owner=manager, set_at=at(month(3)))
    mail = touch(account, manager, at(month(2).replace(day=15)), channel="email")
    touch(account, manager, timezone.now() - timedelta(hours=1), channel="phone")

    assert need(account).counted_touch == mail.occurred_at
    assert need(account).overdue


# --- K-30: an account never touched ------------------------------------------------------------------


def test_k30_an_untouched_a_account_is_due_by_the_end_of_the_month_it_became_a(manager):
    account = tiered("A", owner=manager)

    due = need(account)

    assert due.counted_touch is None
    assert due.due_on == month_end(today())
    assert not due.overdue


def test_k30_an_untouched_a_account_is_overdue_once_that_month_is_over(manager):
    account = tiered("A", owner=manager, set_at=at(month(1).replace(day=20)))

    assert need(account).due_on == month_end(month(1))
    assert need(account).overdue
    assert account.pk in overdue_ids()


def test_k30_an_untouched_b_account_is_due_14_days_after_it_became_b(manager):
    set_on = today() - timedelta(days=10)
    account = tiered("B", owner=manager, set_at=at(set_on))

    assert need(account).due_on == set_on + timedelta(days=14)
    assert not need(account).overdue


def test_k30_an_untouched_b_account_is_overdue_after_14_days(manager):
    account = tiered("B", owner=manager, set_at=at(today() - timedelta(days=20)))

    assert need(account).overdue
    assert account.pk in overdue_ids()


# --- K-31: a requirement of several touches ----------------------------------------------------------


@pytest.fixture
def twice_a_month_tier(db):
    """A test tier whose accounts need two touches of any kind every 30 days."""
    test_tier = Tier.objects.create(code="T", name="Test", rank=9)
    CadenceRequirement.objects.create(tier=test_tier, channel_group="any", touches=2, period="days", days=30)
    return test_tier


def test_k31_with_two_touches_required_the_second_most_recent_one_counts(twice_a_month_tier, manager):
    account = tiered("T", owner=manager, set_at=timezone.now() - timedelta(days=90))
    older = touch(account, manager, at(today() - timedelta(days=40)))
    touch(account, manager, at(today() - timedelta(days=10)), channel="event")

    due = need(account)

    assert due.touches == 2
    assert due.counted_touch == older.occurred_at
    assert due.due_on == today() - timedelta(days=10)
    assert due.overdue

    touch(account, manager, at(today() - timedelta(days=5)), channel="email")

    assert need(account).due_on == today() + timedelta(days=20)
    assert not need(account).overdue


def test_k31_one_touch_is_not_two(twice_a_month_tier, manager):
    set_on = today() - timedelta(days=40)
    account = tiered("T", owner=manager, set_at=at(set_on))
    touch(account, manager, at(today() - timedelta(days=1)))

    due = need(account)

    assert due.counted_touch is None
    assert due.due_on == set_on + timedelta(days=30)
    assert due.overdue


# --- K-25: silent period -------------------------------------------------------------------------------


def silent_contact(account, **fields):
    return ContactFactory(account=account, silent_since=timezone.now() - timedelta(days=7), **fields)


def test_k25_when_every_active_contact_is_silent_an_a_account_needs_only_one_e_mail_a_month(a_account, manager):
    silent_contact(a_account)
    silent_contact(a_account)
    touch(a_account, manager, at(month(1).replace(day=15)), channel="email")

    due = need(a_account)

    assert (due.channel_group, due.touches, due.period, due.days, due.silent) == (
        "email_sms", 1, "calendar_month", None, True)
    assert due.due_on == month_end(today())
    assert not due.overdue
    assert a_account.pk not in overdue_ids()


def test_k25_a_silent_account_without_its_monthly_e_mail_is_overdue(a_account, manager):
    silent_contact(a_account)
    touch(a_account, manager, timezone.now() - timedelta(hours=1))  # an on-site visit is no e-mail

    assert need(a_account).silent
    assert need(a_account).overdue


def test_k25_one_active_contact_who_still_answers_keeps_the_tiers_own_requirement(a_account, manager):
    silent_contact(a_account)
    ContactFactory(account=a_account, silent_since=None)
    touch(a_account, manager, at(month(1).replace(day=15)), channel="email")

    due = need(a_account)

    assert (due.channel_group, due.silent) == ("on_site", False)
    assert due.overdue


def test_k25_contacts_who_left_or_were_archived_do_not_break_the_silence(a_account):
    silent_contact(a_account)
    ContactFactory(account=a_account, status="left", left_on=today() - timedelta(days=30))
    ContactFactory(account=a_account, archived_at=timezone.now())

    assert need(a_account).silent


def test_k25_an_account_without_contacts_is_not_silent(a_account):
    assert not need(a_account).silent


# --- The overdue list and the cost of asking ------------------------------------------------------------


def test_k30_overdue_account_ids_are_exactly_the_overdue_accounts(manager):
    long_ago = at(month(3))
    late_a = tiered("A", owner=manager, set_at=long_ago)
    touch(late_a, manager, at(month(2).replace(day=10)))
    fine_a = tiered("A", owner=manager, set_at=long_ago)
    touch(fine_a, manager, at(month(1).replace(day=10)))
    late_b = tiered("B", owner=manager, set_at=long_ago)
    touch(late_b, manager, timezone.now() - timedelta(days=15), channel="phone")
    fine_b = tiered("B", owner=manager, set_at=long_ago)
    touch(fine_b, manager, timezone.now() - timedelta(days=13), channel="phone")
    never_c = tiered("C", owner=manager, set_at=long_ago)
    tiered("C", owner=manager)  # tier set today: due at the end of this month
    AccountFactory(owner=manager)  # no tier, no cadence

    assert overdue_ids() == {late_a.pk, late_b.pk, never_c.pk}


def test_k30_cadence_for_many_accounts_is_one_query(manager, django_assert_num_queries):
    accounts = [tiered(code, owner=manager, set_at=at(month(2))) for code in "ABCABC"]
    for account in accounts[:3]:
        touch(account, manager, at(month(1).replace(day=5)), channel="email")
    ids = [account.pk for account in accounts]

    with django_assert_num_queries(1):
        result = cadence_for(ids)

    assert set(result) == set(ids)
    assert [result[pk][0].channel_group for pk in ids] == ["on_site", "online", "email_sms"] * 2


def test_k30_cadence_for_no_accounts_asks_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert cadence_for([]) == {}


def test_k30_accounts_without_a_tier_have_no_cadence(manager):
    untiered = AccountFactory(owner=manager)

    assert cadence_for([untiered.pk]) == {}


def test_k30_archived_lost_and_prospect_accounts_are_kept_to_no_cadence(manager):
    late = [tiered("A", owner=manager, set_at=at(month(3))) for _ in range(4)]
    AccountTier.objects.filter(account=late[1]).update(set_at=at(month(3)))
    late[1].archived_at = timezone.now()
    late[1].save()
    late[2].status = "lost"
    late[2].save()
    late[3].status = "prospect"
    late[3].save()

    assert overdue_ids() == {late[0].pk}
    assert set(cadence_for([a.pk for a in late])) == {late[0].pk}

