"""K-21, the lock made whole (issue 15, item 4). The month lock keys on the monthly
log's status, so the log's own row is guarded in the database too (migration 0006):
it moves only along the services' state machine, each move with its sign-off event;
a signed-off log neither changes nor goes away. The audit tables — sign-off events,
the visits' history, the issues' follow-up steps — are append-only. Every path is
tried: QuerySet.update(), .delete(), and raw SQL.

A move's event may come after the move in the same transaction, so that check is
deferred to COMMIT. A test's transaction never commits; `committed()` runs the
deferred checks where the test can see them (SET CONSTRAINTS ALL IMMEDIATE), and
two transactional tests commit for real."""

from contextlib import contextmanager
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import InternalError, connection, transaction

from tests.factories import AccountFactory
from visits.models import CustomerIssue, IssueUpdate, MonthlyLog, SignOffEvent, Visit
from visits.services import (
    monthly_log_approve,
    monthly_log_reopen,
    monthly_log_return,
    monthly_log_submit,
    visit_delete,
    visit_log,
)

pytestmark = pytest.mark.django_db

MARCH = date(2026, 3, 1)
IN_MARCH = datetime(2026, 3, 12, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
HistoricalVisit = Visit.history.model


@contextmanager
def committed():
    """The block, then what its COMMIT would check; in a savepoint, so a refusal rolls back."""
    with transaction.atomic():
        yield
        connection.check_constraints()  # SET CONSTRAINTS ALL IMMEDIATE, then back to DEFERRED


def refused(match):
    return pytest.raises(InternalError, match=match)


def execute(sql, params=()):
    with committed(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def status_of(log):
    return MonthlyLog.objects.values_list("status", flat=True).get(pk=log.pk)


def kinds(log):
    return list(SignOffEvent.objects.filter(log=log).values_list("kind", flat=True))


@pytest.fixture
def visit(manager):
    return visit_log(account=AccountFactory(owner=manager), by=manager, occurred_at=IN_MARCH,
                     channel="on_site", purpose="Delivery review", summary="Walked through the plan.",
                     issues=[{"kind": "complaint", "description": "Late parts."}])


@pytest.fixture
def submitted(manager, visit):
    return monthly_log_submit(author=manager, month=MARCH, by=manager)


@pytest.fixture
def approved(submitted, supervisor):
    return monthly_log_approve(log=submitted, by=supervisor, overall_comment="Well kept.")


# --- The services' moves pass every check, the commit's too ------------------------------------


def test_k21_every_move_of_the_services_passes_the_databases_checks(manager, supervisor, visit):
    with committed():
        log = monthly_log_submit(author=manager, month=MARCH, by=manager)
    with committed():
        monthly_log_return(log=log, by=supervisor, reason="Add the buyer you met.")
    with committed():
        monthly_log_submit(author=manager, month=MARCH, by=manager)
    with committed():
        monthly_log_approve(log=log, by=supervisor, overall_comment="Good.")
    with committed():
        monthly_log_reopen(log=log, by=supervisor, reason="A second buyer was met.")

    assert status_of(log) == "open"
    assert kinds(log) == ["submitted", "returned", "submitted", "approved", "reopened"]


# --- A signed-off month cannot be unlocked behind the trail's back -----------------------------


def test_k21_queryset_update_cannot_reopen_a_signed_off_month(approved):
    with refused("became open with no sign-off event"), committed():
        MonthlyLog.objects.filter(pk=approved.pk).update(status="open")

    assert status_of(approved) == "approved" and kinds(approved) == ["submitted", "approved"]


def test_k21_raw_sql_cannot_reopen_a_signed_off_month(approved):
    with refused("became open with no sign-off event"):
        execute("UPDATE visits_monthlylog SET status = 'open' WHERE id = %s", [approved.pk])

    assert status_of(approved) == "approved"


def test_k21_queryset_update_cannot_approve_without_the_event(submitted, supervisor):
    with refused("became approved with no sign-off event"), committed():
        MonthlyLog.objects.filter(pk=submitted.pk).update(status="approved", decided_by=supervisor)

    assert status_of(submitted) == "submitted"


@pytest.mark.parametrize(("start", "to"), [("approved", "returned"), ("approved", "submitted"),
                                           ("submitted", "open"), ("open", "approved")])
def test_k21_a_move_the_services_never_make_is_refused(request, manager, start, to):
    log = request.getfixturevalue(start) if start != "open" else MonthlyLog.objects.create(author=manager,
                                                                                           month=MARCH)
    with refused(f"cannot go from {start} to {to}"), transaction.atomic():
        MonthlyLog.objects.filter(pk=log.pk).update(status=to)

    assert status_of(log) == start


def test_k21_a_forged_event_does_not_reopen_a_month(approved, supervisor):
    with refused("event reopened needs its log to have just made that move"), transaction.atomic():
        SignOffEvent.objects.create(log=approved, kind="reopened", by=supervisor, reason="Forged.")

    assert kinds(approved) == ["submitted", "approved"]


def test_k21_a_move_is_not_recorded_twice(approved, supervisor):
    with refused("event approved needs its log"), transaction.atomic():
        SignOffEvent.objects.create(log=approved, kind="approved", by=supervisor)


def test_k21_two_moves_need_two_events(approved, supervisor):
    """Reopen, edit, approve again in one transaction with one event: the edit would go
    untraced. The second move waits for the first one's event."""
    with refused("move to open has no event yet"), transaction.atomic():
        MonthlyLog.objects.filter(pk=approved.pk).update(status="open")
        MonthlyLog.objects.filter(pk=approved.pk).update(status="submitted")


@pytest.mark.parametrize("change", [{"month": date(2026, 4, 1)}, {"author": "teammate"}])
def test_k21_a_log_keeps_its_manager_and_month(request, approved, change):
    change = {k: request.getfixturevalue(v) if k == "author" else v for k, v in change.items()}

    with refused("keeps its manager and month"), transaction.atomic():
        MonthlyLog.objects.filter(pk=approved.pk).update(**change)

    assert Visit.objects.filter(author=approved.author, log_month=MARCH).exists()


@pytest.mark.parametrize("change", [{"overall_comment": "Rewritten."}, {"submitted_at": None},
                                    {"decided_by": None}])
def test_k21_a_signed_off_log_does_not_change(approved, change):
    before = MonthlyLog.objects.filter(pk=approved.pk).values().get()

    with refused("month locked: log .* is signed off"), transaction.atomic():
        MonthlyLog.objects.filter(pk=approved.pk).update(**change)

    assert MonthlyLog.objects.filter(pk=approved.pk).values().get() == before


@pytest.mark.parametrize("column", ["is_late", "submitted_at"])
def test_k21_a_submitted_log_keeps_when_it_was_submitted_and_whether_late(submitted, column):
    before = MonthlyLog.objects.filter(pk=submitted.pk).values("submitted_at", "is_late").get()
    change = {"is_late": not before["is_late"], "submitted_at": None}[column]

    with refused("submission time and lateness change only when it is submitted"), transaction.atomic():
        MonthlyLog.objects.filter(pk=submitted.pk).update(**{column: change})
    with refused("submission time and lateness"):
        execute(f"UPDATE visits_monthlylog SET {column} = %s WHERE id = %s", [change, submitted.pk])

    assert MonthlyLog.objects.filter(pk=submitted.pk).values("submitted_at", "is_late").get() == before


def test_k21_a_log_is_not_born_signed_off(manager):
    with refused("a monthly log starts open, not approved"), transaction.atomic():
        MonthlyLog.objects.create(author=manager, month=MARCH, status="approved")
    with refused("starts open"):
        execute("INSERT INTO visits_monthlylog (author_id, month, status, is_late, overall_comment) "
                "VALUES (%s, %s, 'approved', false, '')", [manager.pk, MARCH])

    assert not MonthlyLog.objects.exists()


@pytest.mark.parametrize("state", ["submitted", "approved"])
def test_k21_a_submitted_or_signed_off_log_is_not_deleted_by_sql(request, state):
    log = request.getfixturevalue(state)

    with refused(f"log {log.pk} is {state}; it cannot be deleted"):
        execute("DELETE FROM visits_monthlylog WHERE id = %s", [log.pk])

    assert status_of(log) == state


def test_k21_a_signed_off_log_is_not_deleted_by_the_orm(approved):
    # The ORM deletes the log's events first (on_delete=CASCADE): the trail refuses.
    with refused("audit trail"), transaction.atomic():
        MonthlyLog.objects.filter(pk=approved.pk).delete()

    assert status_of(approved) == "approved"


def test_k21_an_open_log_without_a_trail_may_go(manager):
    log = MonthlyLog.objects.create(author=manager, month=MARCH)

    with committed():
        log.delete()

    assert not MonthlyLog.objects.exists()


# --- The audit tables are append-only ---------------------------------------------------------


def _sign_off_event(approved):
    return SignOffEvent.objects.filter(log=approved, kind="approved"), "visits_signoffevent", {"reason": "Edited."}


def _visit_history(approved):
    return (HistoricalVisit.objects.filter(id__in=Visit.objects.filter(author=approved.author).values("pk")),
            "visits_historicalvisit", {"summary": "Edited."})


def _issue_update(approved):
    return (IssueUpdate.objects.filter(issue__visit__author=approved.author), "visits_issueupdate",
            {"note": "Edited."})


AUDIT_TABLES = [_sign_off_event, _visit_history, _issue_update]


@pytest.mark.parametrize("trail", AUDIT_TABLES)
def test_an_audit_row_is_not_updated_by_the_orm(approved, trail):
    rows, _table, change = trail(approved)
    assert rows.exists()

    with refused("audit trail: rows of .* are never changed or deleted"), transaction.atomic():
        rows.update(**change)


@pytest.mark.parametrize("trail", AUDIT_TABLES)
def test_an_audit_row_is_not_deleted_by_the_orm(approved, trail):
    rows, _table, _change = trail(approved)
    count = rows.count()

    with refused("audit trail"), transaction.atomic():
        rows.delete()

    assert rows.count() == count


@pytest.mark.parametrize("trail", AUDIT_TABLES)
@pytest.mark.parametrize("statement", ["UPDATE {table} SET {column} = 'Edited.' WHERE id = %s",
                                       "DELETE FROM {table} WHERE id = %s"])
def test_an_audit_row_is_not_changed_by_raw_sql(approved, trail, statement):
    rows, table, change = trail(approved)
    key = "history_id" if table == "visits_historicalvisit" else "id"
    row = rows.values_list("pk", flat=True).first()

    with refused(f"audit trail: rows of {table}"):
        execute(statement.format(table=table, column=next(iter(change))).replace("id = %s", f"{key} = %s"),
                [row])

    assert rows.filter(pk=row).exists()


def test_an_issue_with_its_follow_up_steps_is_not_deleted(approved):
    """The ORM deletes an issue's steps with it: the trail refuses, so issues stay (K-22:
    every issue is followed through; a visit with issues is not deleted either). This month
    is signed off, so the issue's own lock (migration 0002) may answer first."""
    issue = CustomerIssue.objects.get(visit__author=approved.author)

    with refused("audit trail|month locked"), transaction.atomic():
        issue.delete()

    assert CustomerIssue.objects.filter(pk=issue.pk).exists()


def test_deleting_a_visit_of_an_open_month_keeps_its_history(manager):
    visit = visit_log(account=AccountFactory(owner=manager), by=manager, occurred_at=IN_MARCH,
                      channel="phone", purpose="Call", summary="Wrong account.")

    pk = visit.pk
    with committed():
        visit_delete(visit=visit, by=manager)

    assert list(HistoricalVisit.objects.filter(id=pk).values_list("history_type", flat=True)
                .order_by("history_id")) == ["+", "-"]


# --- With real commits ----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_k21_a_committed_reopen_without_its_event_is_rolled_back(team):
    from tests.factories import UserFactory

    manager = UserFactory(username="li", team=team)
    log = monthly_log_submit(author=manager, month=MARCH, by=manager)
    monthly_log_approve(log=log, by=team.supervisor)

    with refused("became open with no sign-off event"), transaction.atomic():
        MonthlyLog.objects.filter(pk=log.pk).update(status="open")

    assert status_of(log) == "approved"


@pytest.mark.django_db(transaction=True)
def test_k21_the_services_moves_commit(team):
    from tests.factories import UserFactory

    manager = UserFactory(username="li", team=team)
    log = monthly_log_submit(author=manager, month=MARCH, by=manager)
    monthly_log_return(log=log, by=team.supervisor, reason="Add the buyer.")
    monthly_log_submit(author=manager, month=MARCH, by=manager)
    monthly_log_approve(log=log, by=team.supervisor, overall_comment="Good.")
    monthly_log_reopen(log=log, by=team.supervisor, reason="A second buyer.")

    assert status_of(log) == "open"
    assert kinds(log) == ["submitted", "returned", "submitted", "approved", "reopened"]
