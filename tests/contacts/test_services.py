"""Contacts: who reports to whom (K-03, K-10), birthdays in two calendars (K-10),
personnel changes (K-17), relationships (K-16), the org chart and the five
self-questions (K-15). The database keeps related rows on one account."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from contacts.models import BuyerRole, Contact, PersonnelChange, Relationship
from contacts.services import (
    buyer_role_save,
    contact_create,
    contact_mark_left,
    contact_update,
    org_chart,
    relationship_add,
    self_question_review_create,
)
from tests.factories import AccountFactory, BuyerRoleFactory, ContactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(manager):
    return AccountFactory(name="Haier", owner=manager)


@pytest.fixture
def boss(account):
    return ContactFactory(account=account, name="Zhou", title="CEO")


@pytest.fixture
def stranger(db):
    return ContactFactory(account=AccountFactory(name="Midea"), name="Wu")


def constraints_checked_now():
    """The same-account keys are DEFERRABLE INITIALLY DEFERRED: check them at once."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


# --- Reports-to --------------------------------------------------------------------


def test_k10_a_contact_reports_to_someone_at_the_same_account(account, boss, manager):
    cfo = contact_create(account=account, by=manager, name="Sun", reports_to=boss)
    assert cfo.reports_to == boss


def test_k10_reporting_to_someone_at_another_account_is_refused(account, stranger, manager):
    with pytest.raises(ValidationError) as error:
        contact_create(account=account, by=manager, name="Sun", reports_to=stranger)
    assert "reports_to" in error.value.message_dict


def test_k10_a_reports_to_circle_is_refused(account, boss, manager):
    cfo = contact_create(account=account, by=manager, name="Sun", reports_to=boss)
    with pytest.raises(ValidationError) as error:
        contact_update(contact=boss, by=manager, reports_to=cfo)
    assert "reports_to" in error.value.message_dict
    boss.refresh_from_db()
    assert boss.reports_to is None


def test_k10_a_longer_circle_is_refused_too(account, boss, manager):
    cfo = ContactFactory(account=account, reports_to=boss)
    clerk = ContactFactory(account=account, reports_to=cfo)
    with pytest.raises(ValidationError):
        contact_update(contact=boss, by=manager, reports_to=clerk)


def test_nobody_reports_to_themselves(boss, manager):
    with pytest.raises(ValidationError):
        contact_update(contact=boss, by=manager, reports_to=boss)


def test_the_database_refuses_a_manager_at_another_account(boss, stranger):
    with pytest.raises(IntegrityError), transaction.atomic():
        constraints_checked_now()
        Contact.objects.filter(pk=boss.pk).update(reports_to=stranger)


def test_the_database_refuses_a_role_held_at_another_account(account, stranger):
    with pytest.raises(IntegrityError), transaction.atomic():
        constraints_checked_now()
        BuyerRoleFactory(contact=stranger, account=account)


def test_the_database_refuses_moving_a_role_to_another_account(account, boss):
    role = BuyerRoleFactory(contact=boss)
    with pytest.raises(IntegrityError), transaction.atomic():
        constraints_checked_now()
        BuyerRole.objects.filter(pk=role.pk).update(account=AccountFactory())


# --- K-10: birthdays ---------------------------------------------------------------


def test_k10_a_solar_birthday_on_29_february_is_accepted(account, manager):
    contact = contact_create(account=account, by=manager, name="Leap", birth_month=2, birth_day=29)
    assert contact.birthday_display == "02-29"


def test_k10_a_lunar_leap_month_birthday_is_stored_faithfully(account, manager):
    contact = contact_create(
        account=account, by=manager, name="Moon", birthday_calendar=Contact.Calendar.LUNAR,
        birth_month=8, birth_day=30, birth_leap_month=True,
    )
    contact.refresh_from_db()
    assert (contact.birthday_calendar, contact.birth_month, contact.birth_day, contact.birth_leap_month) == (
        "lunar", 8, 30, True,
    )
    assert "leap" in contact.birthday_display


@pytest.mark.parametrize(("month", "day"), [(2, 30), (4, 31), (13, 1), (6, 0)])
def test_k10_an_impossible_solar_birthday_is_refused(account, manager, month, day):
    with pytest.raises(ValidationError):
        contact_create(account=account, by=manager, name="Nobody", birth_month=month, birth_day=day)
    assert not Contact.objects.filter(name="Nobody").exists()


@pytest.mark.parametrize(("month", "day"), [(2, 30), (4, 31)])
def test_k10_the_database_refuses_an_impossible_solar_birthday(boss, month, day):
    with pytest.raises(IntegrityError), transaction.atomic():
        Contact.objects.filter(pk=boss.pk).update(birth_month=month, birth_day=day)


@pytest.mark.parametrize(("month", "day"), [(5, None), (None, 5)])
def test_k10_a_birthday_needs_both_month_and_day(account, manager, month, day):
    with pytest.raises(ValidationError):
        contact_create(account=account, by=manager, name="Half", birth_month=month, birth_day=day)


def test_k10_the_database_refuses_half_a_birthday(boss):
    with pytest.raises(IntegrityError), transaction.atomic():
        Contact.objects.filter(pk=boss.pk).update(birth_month=5, birth_day=None)


def test_k10_a_leap_month_only_exists_in_the_lunar_calendar(account, manager):
    with pytest.raises(ValidationError):
        contact_create(account=account, by=manager, name="Sunny", birth_month=8, birth_day=15, birth_leap_month=True)


def test_k10_a_lunar_day_31_is_refused(account, manager):
    with pytest.raises(ValidationError):
        contact_create(account=account, by=manager, name="Moon", birthday_calendar="lunar", birth_month=1,
                       birth_day=31)


# --- K-17: personnel changes -------------------------------------------------------


def test_k17_a_new_title_is_recorded_as_a_personnel_change(boss, manager):
    contact_update(contact=boss, by=manager, title="Chairman")
    change = PersonnelChange.objects.get(contact=boss)
    assert (change.kind, change.before, change.after) == ("title", "CEO", "Chairman")
    assert (change.account, change.recorded_by, change.handled_at) == (boss.account, manager, None)


def test_k17_an_edit_without_a_new_title_records_nothing(boss, manager):
    contact_update(contact=boss, by=manager, hobbies="golf")
    assert not PersonnelChange.objects.exists()


def test_k17_a_departure_is_recorded_and_sets_the_status(boss, manager):
    contact_mark_left(contact=boss, by=manager, left_on=date(2025, 3, 31))
    boss.refresh_from_db()
    assert boss.has_left and boss.left_on == date(2025, 3, 31)
    assert list(PersonnelChange.objects.filter(contact=boss).values_list("kind", flat=True)) == ["left"]


def test_k17_a_departure_needs_a_date(boss, manager):
    with pytest.raises(ValidationError):
        contact_update(contact=boss, by=manager, status=Contact.Status.LEFT)


def test_k17_changing_a_contacts_buyer_role_is_recorded(boss, manager):
    role = buyer_role_save(role=BuyerRole(contact=boss, role=BuyerRole.Role.USER), by=manager)
    assert not PersonnelChange.objects.exists()
    role.role = BuyerRole.Role.DECISION_MAKER
    buyer_role_save(role=role, by=manager)
    change = PersonnelChange.objects.get(contact=boss)
    assert (change.kind, change.before, change.after) == ("role", "User", "Decision-maker")


def test_k17_a_new_holder_of_the_role_closes_the_departure(account, boss, manager):
    buyer_role_save(role=BuyerRole(contact=boss, role=BuyerRole.Role.DECISION_MAKER), by=manager)
    contact_mark_left(contact=boss, by=manager, left_on=date(2025, 3, 31))
    departure = PersonnelChange.objects.get(contact=boss, kind="left")
    assert departure.handled_at is None

    successor = ContactFactory(account=account, name="Qian")
    buyer_role_save(role=BuyerRole(contact=successor, role=BuyerRole.Role.DECISION_MAKER), by=manager)

    departure.refresh_from_db()
    assert departure.handled_at is not None


def test_k17_another_role_does_not_close_the_departure(account, boss, manager):
    buyer_role_save(role=BuyerRole(contact=boss, role=BuyerRole.Role.DECISION_MAKER), by=manager)
    contact_mark_left(contact=boss, by=manager, left_on=date(2025, 3, 31))
    buyer_role_save(role=BuyerRole(contact=ContactFactory(account=account), role=BuyerRole.Role.COACH), by=manager)
    assert PersonnelChange.objects.get(contact=boss, kind="left").handled_at is None


def test_k11_a_role_takes_its_contacts_account(boss, manager):
    role = buyer_role_save(role=BuyerRole(contact=boss, role=BuyerRole.Role.COACH), by=manager)
    assert role.account == boss.account


# --- K-16: relationships -----------------------------------------------------------


def test_k16_contacts_of_one_account_can_be_allies(account, boss, manager):
    cfo = ContactFactory(account=account)
    rel = relationship_add(from_contact=boss, to_contact=cfo, kind=Relationship.Kind.ALLY, by=manager)
    assert str(rel.get_kind_display()) == "is an ally of"


def test_k16_a_relationship_across_accounts_is_refused(boss, stranger, manager):
    with pytest.raises(ValidationError) as error:
        relationship_add(from_contact=boss, to_contact=stranger, kind=Relationship.Kind.RIVAL, by=manager)
    assert "to_contact" in error.value.message_dict
    assert not Relationship.objects.exists()


def test_k16_nobody_has_a_relationship_with_themselves(boss, manager):
    with pytest.raises(ValidationError):
        relationship_add(from_contact=boss, to_contact=boss, kind=Relationship.Kind.INFLUENCES, by=manager)


# --- K-03: the org chart -----------------------------------------------------------


def test_k03_org_chart_is_a_reports_to_forest(account, boss):
    cfo = ContactFactory(account=account, name="Sun", reports_to=boss)
    clerk = ContactFactory(account=account, name="Tang", reports_to=cfo)
    cto = ContactFactory(account=account, name="Xu", reports_to=boss)
    freelancer = ContactFactory(account=account, name="Yang")

    chart = org_chart([boss, cfo, clerk, cto, freelancer])

    assert chart == [
        (boss, [(cfo, [(clerk, [])]), (cto, [])]),
        (freelancer, []),
    ]


def test_k03_a_contact_whose_manager_is_not_listed_becomes_a_root(account, boss):
    cfo = ContactFactory(account=account, reports_to=boss)
    assert org_chart([cfo]) == [(cfo, [])]


# --- K-15: the five self-questions -------------------------------------------------


def test_k15_a_self_question_review_keeps_answers_and_who(account, manager):
    review = self_question_review_create(
        account=account, by=manager, reviewed_on=date(2025, 6, 30),
        all_buyers="Yes", coach="Sun, the CFO", written="Proposal sent",
    )
    review.refresh_from_db()
    assert (review.reviewed_by, review.reviewed_on) == (manager, date(2025, 6, 30))
    answers = dict((str(label), answer) for label, answer in review.answers())
    assert answers["Are all buyers identified?"] == "Yes"
    assert answers["Who is the coach, and what do we need from them?"] == "Sun, the CFO"
    assert answers["Is a question outline prepared?"] == ""


# --- Removals go through services too (issue 14) -------------------------------------------------

def test_k16_a_relationship_is_removed_by_its_service(account, boss, manager):
    from contacts.services import relationship_remove

    colleague = ContactFactory(account=account, name="Sun")
    relationship = relationship_add(from_contact=boss, to_contact=colleague, kind="ally", by=manager)
    relationship_remove(relationship=relationship, by=manager)
    assert not Relationship.objects.exists()


def test_k14_a_decision_step_is_removed_by_its_service(account, boss, manager):
    from contacts.models import DecisionStep
    from contacts.services import decision_step_remove, decision_step_save

    step = decision_step_save(step=DecisionStep(account=account, position=1, description="Board signs",
                                                responsible=boss), by=manager)
    decision_step_remove(step=step, by=manager)
    assert not DecisionStep.objects.filter(account=account).exists()
