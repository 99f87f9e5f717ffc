"""K-21, the core promise: once the supervisor signs a manager's month off, that
month's visits, their contacts and their issues' original record cannot change —
not through the services, not through the pages, not through QuerySet.update()
or raw SQL (the triggers of migration 0002). Only an issue's follow-up moves on.
A reopen, with its reason on the trail, unlocks the month again."""

from datetime import date, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import InternalError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from tests.factories import AccountFactory, ContactFactory
from visits.models import CustomerIssue, IssueUpdate, MonthlyLog, SignOffEvent, Visit
from visits.services import (
    issue_add,
    issue_follow_up,
    monthly_log_approve,
    monthly_log_reopen,
    monthly_log_submit,
    visit_delete,
    visit_log,
    visit_update,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_day")]  # tests/clock.py

SHANGHAI = ZoneInfo("Asia/Shanghai")
MARCH = date(2026, 3, 1)
IN_MARCH = datetime(2026, 3, 12, 10, 0, tzinfo=SHANGHAI)
IN_APRIL = datetime(2026, 4, 8, 15, 0, tzinfo=SHANGHAI)


def log_visit(account, by, when, **extra):
    fields = {"occurred_at": when, "channel": "on_site", "purpose": "Delivery review",
              "summary": "Walked through the delivery plan."}
    return visit_log(account=account, by=by, **{**fields, **extra})


@pytest.fixture
def account(manager):
    return AccountFactory(name="Haier", owner=manager)


@pytest.fixture
def march(manager, supervisor, account):
    """li's March: a visit with a contact and a complaint, and a plain phone call,
    submitted by li and approved by wang."""
    contact = ContactFactory(account=account, name="Zhou Min")
    visit = log_visit(account, manager, IN_MARCH, contacts=[contact], issues=[
        {"kind": "complaint", "description": "Late delivery of spare parts."}])
    call = log_visit(account, manager, IN_MARCH.replace(day=20), channel="phone", purpose="Check-in")
    log = monthly_log_submit(author=manager, month=MARCH, by=manager)
    monthly_log_approve(log=log, by=supervisor, overall_comment="Well kept.")
    return SimpleNamespace(log=log, visit=visit, call=call, issue=visit.issues.get(), contact=contact,
                           other_contact=ContactFactory(account=account, name="Sun Li"))


def db_refuses():
    """The trigger's refusal; the savepoint keeps the test's transaction usable."""
    return pytest.raises(InternalError, match="month locked")


def execute(sql, params):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


# --- The services refuse with a friendly message -------------------------------------


def test_k21_the_approved_month_is_locked(march):
    march.log.refresh_from_db()
    assert march.log.status == MonthlyLog.Status.APPROVED and march.log.is_locked


def test_k21_the_author_cannot_edit_a_visit_of_a_locked_month(march, manager):
    with pytest.raises(ValidationError, match="locked"):
        visit_update(visit=march.visit, by=manager, version=march.visit.version, summary="Rewritten later.")

    assert Visit.objects.get(pk=march.visit.pk).summary == "Walked through the delivery plan."


def test_k21_the_author_cannot_delete_a_visit_of_a_locked_month(march, manager):
    with pytest.raises(ValidationError, match="locked"):
        visit_delete(visit=march.call, by=manager)

    assert Visit.objects.filter(pk=march.call.pk).exists()


def test_k21_no_issue_is_added_to_a_visit_of_a_locked_month(march, manager):
    with pytest.raises(ValidationError, match="locked"), transaction.atomic():
        issue_add(visit=march.visit, by=manager, kind="request", description="Afterthought.")

    assert march.visit.issues.count() == 1


def test_k21_no_visit_is_logged_into_a_locked_month(march, manager, account):
    with pytest.raises(ValidationError, match="locked"):
        log_visit(account, manager, IN_MARCH.replace(day=28))

    assert Visit.objects.filter(author=manager, log_month=MARCH).count() == 2


def test_k21_a_visit_of_an_open_month_cannot_be_moved_into_the_locked_month(march, manager, account):
    april = log_visit(account, manager, IN_APRIL)

    with pytest.raises(ValidationError, match="locked"):
        visit_update(visit=april, by=manager, version=april.version, occurred_at=IN_MARCH)

    assert Visit.objects.get(pk=april.pk).log_month == date(2026, 4, 1)


# --- The pages refuse ----------------------------------------------------------------


def test_k21_the_edit_page_sends_the_author_back_with_a_message(client, march, manager):
    client.force_login(manager)

    response = client.get(reverse("visits:edit", args=[march.visit.pk]), follow=True)

    assert response.redirect_chain == [(march.visit.get_absolute_url(), 302)]
    assert "signed off and locked" in " ".join(str(m) for m in response.context["messages"])


def test_k21_posting_the_edit_form_changes_nothing(client, march, manager):
    client.force_login(manager)

    response = client.post(reverse("visits:edit", args=[march.visit.pk]), {
        "occurred_at": "2026-03-12T10:00", "channel": "phone", "contacts": [march.other_contact.pk],
        "purpose": "Rewritten", "summary": "Rewritten", "customer_replied": "unknown",
        "version": march.visit.version,
    })

    assert response.status_code == 302
    visit = Visit.objects.get(pk=march.visit.pk)
    assert (visit.purpose, visit.channel, visit.version) == ("Delivery review", "on_site", march.visit.version)
    assert list(visit.contacts.all()) == [march.contact]


# --- The database refuses every other path -------------------------------------------


def test_k21_queryset_update_of_a_locked_visit_is_refused(march):
    with db_refuses(), transaction.atomic():
        Visit.objects.filter(pk=march.visit.pk).update(summary="Rewritten by a script.")


def test_k21_queryset_delete_of_a_locked_visit_is_refused(march):
    with db_refuses(), transaction.atomic():
        Visit.objects.filter(pk=march.call.pk).delete()

    assert Visit.objects.filter(pk=march.call.pk).exists()


def test_k21_raw_sql_update_of_a_locked_visit_is_refused(march):
    with db_refuses():
        execute("UPDATE visits_visit SET purpose = %s WHERE id = %s", ["Rewritten", march.visit.pk])


def test_k21_raw_sql_delete_of_a_locked_visit_is_refused(march):
    with db_refuses():
        execute("DELETE FROM visits_visit WHERE id = %s", [march.call.pk])


def test_k21_raw_sql_cannot_add_a_contact_to_a_locked_visit(march):
    with db_refuses():
        execute("INSERT INTO visits_visit_contacts (visit_id, contact_id) VALUES (%s, %s)",
                [march.visit.pk, march.other_contact.pk])


def test_k21_raw_sql_cannot_remove_a_contact_from_a_locked_visit(march):
    with db_refuses():
        execute("DELETE FROM visits_visit_contacts WHERE visit_id = %s", [march.visit.pk])

    assert list(march.visit.contacts.all()) == [march.contact]


def test_k21_the_orm_cannot_change_a_locked_visits_contacts(march):
    with db_refuses(), transaction.atomic():
        march.visit.contacts.add(march.other_contact)


@pytest.mark.parametrize(("column", "value"), [
    ("description", "Nothing was late."),
    ("kind", "suggestion"),
    ("due_at", datetime(2027, 1, 1, tzinfo=SHANGHAI)),
])
def test_k21_the_original_record_of_an_issue_is_locked(march, column, value):
    with db_refuses():
        execute(f"UPDATE visits_customerissue SET {column} = %s WHERE id = %s", [value, march.issue.pk])
    with db_refuses(), transaction.atomic():
        CustomerIssue.objects.filter(pk=march.issue.pk).update(**{column: value})


def test_k21_an_issue_of_a_locked_month_cannot_be_deleted(march):
    with db_refuses():
        execute("DELETE FROM visits_customerissue WHERE id = %s", [march.issue.pk])


def test_k21_a_visit_cannot_be_inserted_into_a_locked_month(march, manager, account):
    with db_refuses(), transaction.atomic():
        Visit.objects.create(account=account, author=manager, occurred_at=IN_MARCH, log_month=MARCH,
                             purpose="Backdated", summary="Slipped in after sign-off.")


# --- The follow-up stays open --------------------------------------------------------


def test_k21_k22_an_issue_of_a_locked_month_is_still_followed_through(march, manager):
    issue_follow_up(issue=march.issue, by=manager, status="in_progress", note="Asked logistics.")
    issue_follow_up(issue=march.issue, by=manager, status="resolved", resolution="Parts shipped by air.")
    issue_follow_up(issue=march.issue, by=manager, status="informed", note="Called Zhou Min.")

    issue = CustomerIssue.objects.get(pk=march.issue.pk)
    assert issue.status == "informed" and issue.resolution == "Parts shipped by air."
    assert issue.resolved_at and issue.informed_at
    assert issue.description == "Late delivery of spare parts."
    assert IssueUpdate.objects.filter(issue=issue).count() == 4  # logged + three steps


def test_k21_the_follow_up_columns_stay_writable_by_update(march):
    now = timezone.now()

    CustomerIssue.objects.filter(pk=march.issue.pk).update(
        status="informed", resolution="Refund agreed.", resolved_at=now, informed_at=now)

    issue = CustomerIssue.objects.get(pk=march.issue.pk)
    assert (issue.status, issue.resolution, issue.informed_at) == ("informed", "Refund agreed.", now)


# --- The lock is one manager's one month ---------------------------------------------


def test_k21_a_teammates_same_month_is_not_locked(march, teammate):
    theirs = AccountFactory(name="Gree", owner=teammate)

    visit = log_visit(theirs, teammate, IN_MARCH)
    visit_update(visit=visit, by=teammate, version=visit.version, summary="Corrected.")
    Visit.objects.filter(pk=visit.pk).update(purpose="Corrected by a script.")
    visit_delete(visit=visit, by=teammate)


def test_k21_the_managers_next_month_is_not_locked(march, manager, account):
    visit = log_visit(account, manager, IN_APRIL)

    visit_update(visit=visit, by=manager, version=visit.version, summary="Corrected.")

    assert Visit.objects.get(pk=visit.pk).summary == "Corrected."


# --- Reopening unlocks, and leaves a trace --------------------------------------------


def test_k21_reopening_needs_a_reason(march, supervisor):
    with pytest.raises(ValidationError, match="reason"):
        monthly_log_reopen(log=march.log, by=supervisor, reason="  ")

    march.log.refresh_from_db()
    assert march.log.is_locked


def test_k21_after_a_reopen_the_month_can_be_corrected_and_the_reason_is_kept(march, manager, supervisor):
    monthly_log_reopen(log=march.log, by=supervisor, reason="Wrong contact on the 12th.")

    visit_update(visit=march.visit, by=manager, version=march.visit.version, contacts=[march.other_contact])
    Visit.objects.filter(pk=march.call.pk).update(purpose="Check-in call")
    visit_delete(visit=march.call, by=manager)

    assert list(Visit.objects.get(pk=march.visit.pk).contacts.all()) == [march.other_contact]
    reopened = SignOffEvent.objects.get(log=march.log, kind=SignOffEvent.Kind.REOPENED)
    assert (reopened.by, reopened.reason) == (supervisor, "Wrong contact on the 12th.")
    assert list(march.log.events.values_list("kind", flat=True)) == ["submitted", "approved", "reopened"]
