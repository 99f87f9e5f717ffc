"""The read model of cadence (issue 19): the board, the dashboards, the reminders and the evaluation
read each account's recent touches from CadenceTouches, which the database keeps on every write.
Whatever is written and whenever it is asked, the answers are the live computation's."""

import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from django.db.models.expressions import RawSQL
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Account
from tests.factories import AccountFactory, ContactFactory
from tiering import cadence
from tiering.models import AccountTier, CadenceRequirement, CadenceTouches, Tier
from tiering.services import account_tier_override, tier_save
from visits.models import Visit
from visits.services import visit_delete, visit_log, visit_update

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_day")]  # tests/clock.py

SHANGHAI = ZoneInfo("Asia/Shanghai")
CHANNELS = [choice for choice, _label in Visit.Channel.choices]


def dues(ids, checkpoint=None, *, live=False):
    with connection.cursor() as cursor:
        cursor.execute(cadence.dues_sql("t.account_id = ANY(%(ids)s)", checkpoint=checkpoint, live=live) + """
            SELECT account_id, channel_group, touches, period, days, counted_touch, due_on, silent
            FROM dues ORDER BY 1, 2, 3, 4, 5""", {"ids": list(ids)})
        return cursor.fetchall()


def kept(ids, checkpoint, *, live=False):
    with connection.cursor() as cursor:
        cursor.execute(cadence.kept_sql("t.account_id = ANY(%(ids)s)", checkpoint=checkpoint, live=live)
                       + " SELECT account_id, kept FROM kept ORDER BY 1", {"ids": list(ids)})
        return cursor.fetchall()


def agree(ids, checkpoint=None):
    """The read model answers what the visits answer, dues and "kept" alike."""
    model = dues(ids, checkpoint)
    assert model == dues(ids, checkpoint, live=True)
    checkpoint = checkpoint or timezone.now()
    assert kept(ids, checkpoint) == kept(ids, checkpoint, live=True)
    return model


def current(ids):
    """Each account's row is what a rebuild would write (no row: nothing to hold)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM ({cadence._touches_sql()} WHERE a.id = ANY(%s)) c ORDER BY 1", [list(ids)])
        fresh = {row[0]: row[1:] for row in cursor.fetchall()}
    stored = {row.pk: (row.kept, row.silent, row.times_on_site, row.times_online, row.times_email_sms,
                       row.times_any) for row in CadenceTouches.objects.filter(pk__in=ids)}
    for pk in ids:
        expected = fresh[pk]
        if pk in stored:
            assert stored[pk] == expected, pk
        else:
            assert not expected[1] and not any(expected[2:]), pk


def at(days_ago, hour=10):
    now = timezone.now()
    return datetime(now.year, now.month, now.day, hour, tzinfo=SHANGHAI) - timedelta(days=days_ago)


def tiered(code, owner, *, set_days_ago=60, **fields):
    account = AccountFactory(owner=owner, **fields)
    AccountTier.objects.create(account=account, tier=Tier.objects.get(code=code), set_at=at(set_days_ago))
    return account


def touch(account, by, days_ago, channel="on_site", hour=10):
    return visit_log(account=account, by=by, occurred_at=at(days_ago, hour), channel=channel,
                     purpose="Keep in touch", summary="Went through the open points.")


# --- Random visits, tiers, silences and checkpoints: the read model equals the live computation ----

visit_rows = st.lists(st.tuples(st.integers(-20, 400), st.integers(0, 23), st.sampled_from(CHANNELS)), max_size=30)
requirement = st.tuples(st.sampled_from(list(cadence.CHANNELS)), st.integers(1, 4),
                        st.one_of(st.none(), st.integers(1, 90)))
account_case = st.fixed_dictionaries({
    "tier": st.sampled_from(["A", "B", "C", "X", None]),
    "status": st.sampled_from(["active", "active", "at_risk", "lost", "prospect"]),
    "set_days_ago": st.integers(-5, 400),
    "visits": visit_rows,
    "contacts": st.lists(st.tuples(st.booleans(), st.booleans(), st.booleans()), max_size=3),
    "moves": st.lists(st.tuples(st.integers(0, 29), st.integers(-30, 30), st.sampled_from(CHANNELS)), max_size=3),
    "deletes": st.lists(st.integers(0, 29), max_size=3),
})
checkpoints = st.lists(st.one_of(st.just("now"), st.integers(-10, 420), st.integers(0, 13).map(lambda m: ("month", m))),
                       min_size=1, max_size=4)


def _checkpoint(choice):
    now = timezone.now()
    if choice == "now":
        return None
    if isinstance(choice, tuple):  # a month's end, as the monthly evaluation asks it
        from accounts import metrics

        month = now.date().replace(day=1)
        for _ in range(choice[1]):
            month = (month - timedelta(days=1)).replace(day=1)
        return metrics.cadence_checkpoint(month, now=now)
    return now - timedelta(days=choice, minutes=random.randint(0, 1440))


class Rollback(Exception):
    pass


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cases=st.lists(account_case, min_size=1, max_size=3), extra=st.lists(requirement, min_size=1, max_size=3),
       asked=checkpoints)
def test_the_read_model_answers_as_the_visits_for_random_data_and_checkpoints(manager, cases, extra, asked):
    try:
        with transaction.atomic():
            tier = Tier.objects.create(code="X", name="Random", rank=9)
            for group, touches, days in extra:
                CadenceRequirement.objects.create(tier=tier, channel_group=group, touches=touches,
                                                  period="days" if days else "calendar_month", days=days)
            ids = []
            for case in cases:
                account = AccountFactory(owner=manager, status=case["status"])
                ids.append(account.pk)
                if case["tier"]:
                    AccountTier.objects.create(account=account, tier=Tier.objects.get(code=case["tier"]),
                                               set_at=at(case["set_days_ago"]))
                for active, archived, silent in case["contacts"]:
                    ContactFactory(account=account, status="active" if active else "left",
                                   left_on=None if active else at(30).date(),
                                   archived_at=timezone.now() if archived else None,
                                   silent_since=at(3) if silent else None)
                # One statement for all (as an import does), then single-row edits (as the forms do).
                made = Visit.objects.bulk_create(
                    Visit(account=account, author=manager, occurred_at=at(days, hour), channel=channel,
                          log_month=at(days, hour).date().replace(day=1), purpose="p", summary="s")
                    for days, hour, channel in case["visits"])
                for index, shift, channel in case["moves"]:
                    if index < len(made):
                        moved = made[index].occurred_at + timedelta(days=shift)
                        month = moved.astimezone(SHANGHAI).date().replace(day=1)
                        Visit.objects.filter(pk=made[index].pk).update(occurred_at=moved, channel=channel,
                                                                       log_month=month)
                Visit.objects.filter(pk__in=[made[i].pk for i in case["deletes"] if i < len(made)]).delete()
            current(ids)
            for choice in asked:
                agree(ids, _checkpoint(choice))
            raise Rollback
    except Rollback:
        pass


def test_more_touches_after_a_past_checkpoint_than_the_arrays_keep_are_read_from_the_visits(manager):
    account = tiered("A", manager, set_days_ago=800)
    Visit.objects.bulk_create(Visit(account=account, author=manager, occurred_at=at(days), channel="on_site",
                                    log_month=at(days).date().replace(day=1), purpose="p", summary="s")
                              for days in range(0, 600, 20))
    row = CadenceTouches.objects.get(pk=account.pk)
    assert len(row.times_on_site) == row.kept == cadence.TOUCHES_KEPT
    long_ago = timezone.now() - timedelta(days=500)  # 26 touches after it (09:00, a touch at 10:00)
    [(_pk, _group, _n, _period, _days, counted, _due, _silent)] = agree([account.pk], long_ago)
    assert counted == at(520)


# --- Each writer keeps it current ---------------------------------------------------------------------


def test_a_visit_logged_edited_moved_and_deleted_keeps_its_account_s_touches(manager):
    account, other = tiered("A", manager), tiered("A", manager)
    visit = touch(account, manager, 40)
    assert CadenceTouches.objects.get(pk=account.pk).times_on_site == [at(40)]
    [need] = agree([account.pk])
    assert need[5] == at(40)

    visit = visit_update(visit=visit, by=manager, version=visit.version, occurred_at=at(5), channel="phone",
                         purpose=visit.purpose, summary=visit.summary)
    row = CadenceTouches.objects.get(pk=account.pk)
    assert row.times_on_site == [] and row.times_online == [at(5)] and row.times_any == [at(5)]
    agree([account.pk, other.pk])

    Visit.objects.filter(pk=visit.pk).update(account=other)  # an account merge moves visits so
    assert CadenceTouches.objects.get(pk=account.pk).times_any == []
    assert CadenceTouches.objects.get(pk=other.pk).times_any == [at(5)]
    agree([account.pk, other.pk])

    visit.refresh_from_db()
    visit_delete(visit=visit, by=manager)
    assert CadenceTouches.objects.get(pk=other.pk).times_any == []
    agree([account.pk, other.pk])
    current([account.pk, other.pk])


def test_a_touch_logged_ahead_of_its_time_counts_once_its_moment_has_come(manager):
    from tests.clock import DAY, frozen

    account = tiered("A", manager)
    ahead = touch(account, manager, -3)  # three days ahead
    [before] = agree([account.pk])
    assert before[5] is None
    with frozen(DAY.year, DAY.month, DAY.day + 4):
        [after] = agree([account.pk])
    assert after[5] == ahead.occurred_at


def test_a_tier_change_and_a_requirement_edit_are_read_as_they_are(manager, admin):
    account = tiered("C", manager)
    touch(account, manager, 10, channel="phone")
    touch(account, manager, 20, channel="phone")
    before = agree([account.pk])
    account_tier_override(account=account, tier=Tier.objects.get(code="A"), by=admin, reason="Strategic now")
    after = agree([account.pk])
    assert [need[1] for need in after] != [need[1] for need in before] or after != before

    tier = Tier.objects.get(code="A")
    tier_save(tier=tier, by=admin, code=tier.code, name=tier.name, rank=tier.rank, description=tier.description,
              benefits=tier.benefits, is_default=tier.is_default,
              requirements=[{"channel_group": "online", "touches": 20, "period": "days", "days": 365}])
    # The requirements are read as they are: the edit writes nothing to the read model. Twenty touches
    # are more than its arrays keep, so the visits answer until a rebuild keeps twenty.
    [need] = agree([account.pk])
    assert (need[1], need[2]) == ("online", 20) and need[5] is None  # two touches, not twenty
    assert CadenceTouches.objects.get(pk=account.pk).kept == cadence.TOUCHES_KEPT
    cadence.rebuild()
    assert CadenceTouches.objects.get(pk=account.pk).kept == 20
    agree([account.pk])


def test_a_silent_period_and_a_contact_who_left_switch_the_fallback(manager):
    account = tiered("A", manager)
    contact = ContactFactory(account=account)
    touch(account, manager, 10)
    assert not CadenceTouches.objects.get(pk=account.pk).silent
    contact.silent_since = at(1)
    contact.save()
    assert CadenceTouches.objects.get(pk=account.pk).silent
    [need] = agree([account.pk])
    assert need[1] == "email_sms" and need[7]

    contact.status, contact.left_on = "left", at(0).date()
    contact.save()
    assert not CadenceTouches.objects.get(pk=account.pk).silent
    [need] = agree([account.pk])
    assert need[1] == "on_site"
    current([account.pk])


def test_a_raw_import_keeps_it_and_a_rebuild_repairs_what_bypassed_the_triggers(manager):
    accounts = [tiered("B", manager) for _ in range(3)]
    ids = [a.pk for a in accounts]
    with connection.cursor() as cursor:
        cursor.execute("""
            INSERT INTO visits_visit (account_id, author_id, occurred_at, log_month, channel, purpose, summary,
                                      customer_feedback, sentiment, next_steps, location, written, version,
                                      created_at, updated_at)
            SELECT a, %s, %s, date_trunc('month', %s::timestamptz AT TIME ZONE 'Asia/Shanghai')::date, 'phone',
                   'p', 's', '', '', '', '', '{}', 1, now(), now()
            FROM unnest(%s::bigint[]) a""", [manager.pk, at(7), at(7), ids])
    assert all(CadenceTouches.objects.get(pk=pk).times_online == [at(7)] for pk in ids)
    agree(ids)

    with connection.cursor() as cursor:  # as the bench's seed loads: no triggers
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("DELETE FROM tiering_cadencetouches WHERE account_id = %s", [ids[0]])
        cursor.execute("UPDATE visits_visit SET occurred_at = occurred_at - interval '30 days' WHERE account_id = %s",
                       [ids[1]])
        cursor.execute("SET session_replication_role = origin")
    # A missing row is read from the visits; a stale one is what a rebuild is for.
    assert dues(ids) != dues(ids, live=True)
    assert cadence.rebuild() == 2
    current(ids)
    agree(ids)
    assert cadence.rebuild() == 0


def test_the_reminder_job_and_the_overdue_filter_read_the_model(manager):
    from care.models import CareTask
    from care.services import cadence_tasks_generate

    late, fine = tiered("A", manager, set_days_ago=200), tiered("A", manager, set_days_ago=200)
    touch(fine, manager, 2)
    sql, params = cadence.overdue_account_ids_sql()
    assert set(Account.objects.filter(pk__in=RawSQL(sql, params)).values_list("pk", flat=True)) == {late.pk}
    assert cadence.overdue_among([late.pk, fine.pk]) == {late.pk}
    cadence_tasks_generate()
    assert set(CareTask.objects.filter(kind="cadence").values_list("account_id", flat=True)) == {late.pk}
    touch(late, manager, 1)
    cadence_tasks_generate()
    assert not CareTask.objects.filter(kind="cadence", status="open").exists()


def test_a_tier_asking_the_same_twice_and_a_silent_account_with_several_requirements_have_one_row_each(manager):
    tier = Tier.objects.create(code="X", name="Twice", rank=9)
    for group in ("on_site", "on_site", "online"):
        CadenceRequirement.objects.create(tier=tier, channel_group=group, touches=1)
    loud, silent = tiered("X", manager), tiered("X", manager)
    ContactFactory(account=silent, silent_since=at(2))
    touch(loud, manager, 3)
    assert [(need[0], need[1]) for need in agree([loud.pk, silent.pk])] == [
        (loud.pk, "on_site"), (loud.pk, "online"), (silent.pk, "email_sms")]


def test_overdue_only_on_a_manager_s_board_is_asked_among_their_accounts(client, manager, teammate):
    from django.urls import reverse

    mine, theirs = tiered("A", manager, set_days_ago=200), tiered("A", teammate, set_days_ago=200)
    fresh = tiered("A", manager, set_days_ago=200)
    touch(fresh, manager, 1)
    sql, params = cadence.overdue_account_ids_sql(among=Account.objects.filter(owner=manager))
    assert set(Account.objects.filter(pk__in=RawSQL(sql, params)).values_list("pk", flat=True)) == {mine.pk}
    assert {mine.pk, theirs.pk} <= set(Account.objects.filter(pk__in=RawSQL(*cadence.overdue_account_ids_sql()))
                                       .values_list("pk", flat=True))
    client.force_login(manager)
    rows = client.get(reverse("tiering:cadence"), {"overdue": "on"}).context["rows"]
    assert {account.pk for account, _needs in rows} == {mine.pk, theirs.pk}  # the team's board
    rows = client.get(reverse("tiering:cadence"), {"overdue": "on", "mine": "on"}).context["rows"]
    assert [account.pk for account, _needs in rows] == [mine.pk]
