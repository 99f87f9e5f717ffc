"""K-13: our degree of contact with each role holder, computed from the touches logged with
them (recency and frequency, contacts.models.TouchScale), shown beside the manager's own
rating; the danger rules use it when the two are more than one step apart, and say so."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contacts.dangers import account_dangers, danger_score, with_danger_score
from contacts.models import BuyerRole, Contact, TouchScale
from tests.factories import AccountFactory, BuyerRoleFactory, ContactFactory
from tests.visits.factories import VisitFactory
from visits.services import contact_touch_levels_sweep, contacts_refresh_touch_levels, visit_delete, visit_log

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_day")]


def touch(contact, by, *, days_ago, channel="on_site", replied=None):
    return visit_log(account=contact.account, by=by, contacts=[contact], channel=channel,
                     occurred_at=timezone.now() - timedelta(days=days_ago), purpose="Catch-up",
                     summary="Talked through the rollout.", customer_replied=replied)


def level(contact):
    contact.refresh_from_db()
    return contact.touch_level


@pytest.fixture
def boss(manager):
    """周总, the decision-maker of 海尔: decisive influence, rated 4 of 5 by the manager."""
    account = AccountFactory(name="海尔", owner=manager)
    contact = ContactFactory(account=account, name="周总")
    BuyerRoleFactory(contact=contact, role=BuyerRole.Role.DECISION_MAKER, influence=5, contact_level=4)
    for role in (BuyerRole.Role.GATEKEEPER, BuyerRole.Role.USER, BuyerRole.Role.COACH):
        BuyerRoleFactory(contact=ContactFactory(account=account), role=role, influence=2, contact_level=3)
    return contact


# --- the scale ----------------------------------------------------------------------------------


def test_k13_six_touches_within_the_month_is_close_contact(boss, manager):
    for days_ago in (2, 6, 10, 14, 20, 25):
        touch(boss, manager, days_ago=days_ago)

    assert level(boss) == 5
    assert (boss.recent_touches, timezone.localdate(boss.last_touched_at)) == (
        6, timezone.localdate() - timedelta(days=2))


@pytest.mark.parametrize(("days_ago", "count", "expected"), [
    (50, 3, 4),    # within 60 days, 3 in half a year: regular
    (50, 2, 3),    # within 60 days but only twice: occasional
    (80, 1, 3),    # within 90 days: occasional
    (200, 1, 2),   # within a year: distant
    (400, 1, 1),   # more than a year ago: none
])
def test_k13_the_level_follows_recency_and_frequency(boss, manager, days_ago, count, expected):
    for extra in range(count):
        touch(boss, manager, days_ago=days_ago + extra)

    assert level(boss) == expected


def test_k13_never_touched_is_level_one_and_says_so(boss):
    contacts_refresh_touch_levels(contact_ids=[boss.pk])

    assert level(boss) == TouchScale.NONE
    assert boss.touch_level_text == "1/5 (none): no touch logged"


def test_k13_an_unanswered_call_is_no_contact_but_an_answered_one_is(boss, manager):
    touch(boss, manager, days_ago=5, channel="phone", replied=False)
    assert level(boss) == 1

    touch(boss, manager, days_ago=4, channel="phone", replied=True)
    assert level(boss) == 3


def test_k13_deleting_the_only_visit_takes_the_contact_back_to_none(boss, manager):
    visit = touch(boss, manager, days_ago=5)
    assert level(boss) == 3

    visit_delete(visit=visit, by=manager)

    assert level(boss) == 1


def test_k13_the_nightly_job_lowers_the_level_as_time_passes_without_a_touch(boss, manager):
    touch(boss, manager, days_ago=20)
    assert level(boss) == 3

    changed = contacts_refresh_touch_levels(now=timezone.now() + timedelta(days=100))

    assert changed >= 1
    assert level(boss) == 2
    assert contacts_refresh_touch_levels(now=timezone.now() + timedelta(days=100)) == 0  # nothing left to change


def test_k13_the_nightly_job_is_one_statement_however_many_contacts(boss, manager, django_assert_num_queries):
    for _ in range(5):
        touch(ContactFactory(account=boss.account), manager, days_ago=3)

    with django_assert_num_queries(1):
        contacts_refresh_touch_levels()


# --- the danger rules ---------------------------------------------------------------------------


def test_k13_a_decision_maker_unvisited_for_six_months_is_a_danger_zone_despite_a_rating_of_4(boss, manager):
    touch(boss, manager, days_ago=190)
    role = BuyerRole.objects.select_related("contact").get(contact=boss)

    assert (role.contact_level, role.computed_contact_level, role.effective_contact_level) == (4, 2, 2)
    assert role.rating_overruled and role.is_danger_zone
    roles = list(BuyerRole.objects.filter(account=boss.account).select_related("contact"))
    [zone] = [d for d in account_dangers(roles) if d.code.startswith("zone:")]
    assert "computed from the visits" in zone.message
    assert "where the rating says 4" in zone.message
    # The ranking in SQL agrees with the explanation.
    ranked = with_danger_score(type(boss.account).objects.filter(pk=boss.account_id)).get()
    assert ranked.danger_score == danger_score(account_dangers(roles))


def test_k13_a_rating_one_step_from_the_visits_is_trusted(boss, manager):
    touch(boss, manager, days_ago=80)  # 3 from the visits, 4 rated: one step apart
    role = BuyerRole.objects.select_related("contact").get(contact=boss)

    assert (role.computed_contact_level, role.effective_contact_level, role.rating_overruled) == (3, 4, False)
    assert not role.is_danger_zone


def test_k13_frequent_visits_clear_a_danger_zone_rated_too_low(boss, manager):
    BuyerRole.objects.filter(contact=boss).update(contact_level=1)
    for days_ago in (2, 9, 16, 23, 27, 29):
        touch(boss, manager, days_ago=days_ago)
    roles = list(BuyerRole.objects.filter(account=boss.account).select_related("contact"))

    assert not any(d.code.startswith("zone:") for d in account_dangers(roles))
    ranked = with_danger_score(type(boss.account).objects.filter(pk=boss.account_id)).get()
    assert ranked.danger_score == danger_score(account_dangers(roles)) == 0


# --- the pages ----------------------------------------------------------------------------------


def test_k13_the_contact_page_shows_the_computed_level_beside_the_rating(client, boss, manager):
    touch(boss, manager, days_ago=190)
    client.force_login(manager)

    page = client.get(reverse("contacts:detail", args=[boss.pk])).content.decode()

    assert "4/5 (rated)" in page
    assert "From the visits logged: 2/5 (distant): last touch" in page
    assert "the danger rules use the visits" in page


def test_k13_the_buyer_role_form_shows_the_computed_level_beside_the_rating_field(client, boss, manager):
    touch(boss, manager, days_ago=190)
    role = BuyerRole.objects.get(contact=boss)
    client.force_login(manager)

    page = client.get(reverse("contacts:role-edit", args=[role.pk])).content.decode()

    assert "From the visits logged: 2/5 (distant)" in page


def test_k13_the_danger_map_says_when_it_uses_the_visits(client, boss, manager):
    touch(boss, manager, days_ago=190)
    client.force_login(manager)

    page = client.get(reverse("contacts:dangers")).content.decode()

    assert "computed from the visits (last touch" in page
    assert "How the visits are counted" in page


def test_k13_the_scale_on_the_page_is_the_scale_in_the_code(client, boss, manager):
    client.force_login(manager)
    page = client.get(reverse("contacts:dangers")).content.decode()

    for level_, days, count in TouchScale.STEPS:
        line = f"{level_} {TouchScale.LABELS[level_]}: last touch within {days} days"
        assert line in page
        if count:
            assert f"{line}, and {count} or more touches in the last {TouchScale.WINDOW_DAYS} days" in page
    assert f"{TouchScale.NONE} {TouchScale.LABELS[TouchScale.NONE]}: no touch for a year" in page


def test_k13_a_contact_never_computed_keeps_the_managers_rating(boss):
    Contact.objects.filter(pk=boss.pk).update(touch_level=None)
    role = BuyerRole.objects.select_related("contact").get(contact=boss)

    assert (role.effective_contact_level, role.rating_overruled) == (4, False)
    assert role.computed_contact_text == "not computed yet"


# --- the nightly sweep looks only at what can have changed (issue 19) ----------------------------

SWEEP = settings(max_examples=15, deadline=None,
                 suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def test_k13_an_immediate_re_run_of_the_sweep_writes_nothing(boss, manager, django_assert_max_num_queries):
    touch(boss, manager, days_ago=20)
    contact_touch_levels_sweep()  # the first run: every contact

    # savepoint, the mark (locked), the contacts that can have changed (none), the mark moved on,
    # release: no UPDATE at all
    with django_assert_max_num_queries(5):
        assert contact_touch_levels_sweep() == 0


@SWEEP
@given(days=st.lists(st.integers(min_value=-20, max_value=400), min_size=1, max_size=12),
       steps=st.lists(st.integers(min_value=0, max_value=9), min_size=1, max_size=6),
       replied=st.lists(st.sampled_from([True, False, None]), min_size=12, max_size=12))
def test_k13_the_sweep_of_what_changed_equals_recomputing_every_contact(boss, manager, days, steps, replied):
    """Visits at random distances (some dated ahead), the clock moved on by random days: after each
    sweep a recomputation of every contact finds nothing left to change."""
    from core.models import JobMark

    JobMark.objects.all().delete()
    people = [boss, *ContactFactory.create_batch(2, account=boss.account)]
    start = timezone.now()
    for n, ago in enumerate(days):
        VisitFactory(account=boss.account, author=manager, occurred_at=start - timedelta(days=ago, hours=n),
                     channel="phone" if replied[n] is not None else "on_site", customer_replied=replied[n],
                     contacts=[people[n % 3]])
    now = start
    contact_touch_levels_sweep(now=now)
    for step in steps:
        now += timedelta(days=step, hours=step)
        contact_touch_levels_sweep(now=now)
        assert contacts_refresh_touch_levels(now=now) == 0
