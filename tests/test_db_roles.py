"""Least privilege (issue 15, item 5): the app connects as a role that owns no table and
is not a superuser (README, "Database roles"). This test makes such a role with
`manage.py db_app_role`, exactly as compose's migrate service does, reconnects the
app's own connection as it, and proves what holds against it: the app's writes work,
the month lock and the audit trail refuse, and DISABLE TRIGGER, TRUNCATE,
session_replication_role and DDL are out of reach. Everything it writes is rolled
back; the role is dropped after."""

import secrets
from datetime import date, datetime
from zoneinfo import ZoneInfo

import psycopg2
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import InternalError, ProgrammingError, connection, transaction

from tests.factories import AccountFactory, SupervisorFactory, TeamFactory, UserFactory
from visits.models import MonthlyLog, SignOffEvent, Visit
from visits.services import issue_follow_up, monthly_log_approve, monthly_log_submit, visit_log

MARCH = date(2026, 3, 1)
IN_MARCH = datetime(2026, 3, 12, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def owner(django_db_setup):
    """The test database's owner (the suite's own user) on a connection of its own, autocommit."""
    s = connection.settings_dict
    conn = psycopg2.connect(dbname=s["NAME"], user=s["USER"], password=s["PASSWORD"], host=s["HOST"],
                            port=s["PORT"] or 5432)
    conn.autocommit = True
    yield conn.cursor()
    conn.close()


@pytest.fixture
def app_role(owner, django_db_blocker, monkeypatch):
    """A fresh app role made by the command; Django's connection reconnects as it."""
    role, password = f"kam_app_test_{secrets.token_hex(4)}", secrets.token_urlsafe(16)
    monkeypatch.setenv("KAM_TEST_APP_PASSWORD", password)
    with django_db_blocker.unblock():
        call_command("db_app_role", role, "--password-env", "KAM_TEST_APP_PASSWORD")
        saved = {key: connection.settings_dict[key] for key in ("USER", "PASSWORD")}
        connection.close()
        connection.settings_dict.update(USER=role, PASSWORD=password)
        try:
            yield role
        finally:
            connection.close()
            connection.settings_dict.update(saved)
            owner.execute(f'DROP OWNED BY "{role}"; DROP ROLE "{role}"')  # its grants, default privileges


def refused(error=ProgrammingError, match="permission denied|must be owner"):
    return pytest.raises(error, match=match)


def execute(sql, params=()):
    with transaction.atomic(), connection.cursor() as cursor:  # a savepoint: the refusal rolls back
        cursor.execute(sql, params)


def test_the_app_role_writes_rows_and_cannot_break_the_lock(app_role):
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user, usesuper FROM pg_user WHERE usename = current_user")
            assert cursor.fetchone() == (app_role, False)

        # The app's ordinary writes, through its services.
        team = TeamFactory(supervisor=SupervisorFactory())
        manager = UserFactory(team=team)
        visit = visit_log(account=AccountFactory(owner=manager), by=manager, occurred_at=IN_MARCH,
                          channel="on_site", purpose="Review", summary="Walked through the plan.",
                          issues=[{"kind": "request", "description": "A quote."}])
        log = monthly_log_submit(author=manager, month=MARCH, by=manager)
        monthly_log_approve(log=log, by=team.supervisor, overall_comment="Good.")
        issue_follow_up(issue=visit.issues.get(), by=manager, status="in_progress", note="Asked sales.")
        connection.check_constraints()  # the checks COMMIT would run

        # The lock and the trail refuse this role like any other.
        with refused(InternalError, "month locked"):
            execute("UPDATE visits_visit SET summary = 'Rewritten' WHERE id = %s", [visit.pk])
        with refused(InternalError, "became open with no sign-off event"), transaction.atomic():
            MonthlyLog.objects.filter(pk=log.pk).update(status="open")
            connection.check_constraints()
        with refused(InternalError, "audit trail"), transaction.atomic():
            SignOffEvent.objects.filter(log=log).delete()

        # And the ways around a trigger are closed.
        for statement in ("ALTER TABLE visits_visit DISABLE TRIGGER visit_month_lock",
                          "ALTER TABLE visits_monthlylog DISABLE TRIGGER ALL",
                          "DROP TRIGGER monthly_log_guard ON visits_monthlylog",
                          "TRUNCATE visits_signoffevent CASCADE",
                          "TRUNCATE visits_historicalvisit",
                          "SET session_replication_role = replica",
                          "CREATE TABLE visits_shadow (id int)",
                          "CREATE OR REPLACE FUNCTION visits_month_locked(bigint, date) RETURNS boolean "
                          "AS 'SELECT false' LANGUAGE sql"):
            with refused():
                execute(statement)

        assert Visit.objects.get(pk=visit.pk).summary == "Walked through the plan."
        assert MonthlyLog.objects.get(pk=log.pk).status == "approved"
        transaction.set_rollback(True)


def test_the_app_role_owns_nothing_and_is_granted_new_tables_by_default(app_role, owner):
    owner.execute("SELECT count(*) FROM pg_class WHERE relowner = (SELECT oid FROM pg_roles WHERE rolname = %s)",
                  [app_role])
    assert owner.fetchone() == (0,)
    # What the next migration creates, the role may use; nothing more.
    owner.execute("BEGIN; CREATE TABLE kam_future_table (id bigint GENERATED BY DEFAULT AS IDENTITY)")
    owner.execute("SELECT has_table_privilege(%s, 'kam_future_table', 'INSERT'), "
                  "has_table_privilege(%s, 'kam_future_table', 'TRUNCATE'), "
                  "has_table_privilege(%s, 'kam_future_table', 'TRIGGER'), "
                  "has_sequence_privilege(%s, 'kam_future_table_id_seq', 'USAGE')", [app_role] * 4)
    assert owner.fetchone() == (True, False, False, True)
    owner.execute("ROLLBACK")


def test_the_command_refuses_a_role_that_could_step_around_the_triggers(owner, django_db_blocker):
    owner.execute("SELECT current_user")
    (me,) = owner.fetchone()
    with django_db_blocker.unblock():
        with pytest.raises(CommandError, match="runs the migrations"):
            call_command("db_app_role", me)
        with pytest.raises(CommandError, match="not a plain role name"):
            call_command("db_app_role", 'app"; DROP TABLE visits_visit; --')
        with pytest.raises(CommandError, match="does not exist"):
            call_command("db_app_role", "kam_nobody_here")


@pytest.mark.parametrize("strength", ["SUPERUSER", "BYPASSRLS", "IN ROLE current_user"])
def test_the_command_refuses_a_strong_role(owner, django_db_blocker, monkeypatch, strength):
    role = f"kam_strong_test_{secrets.token_hex(4)}"
    owner.execute("SELECT current_user")
    owner.execute(f'CREATE ROLE "{role}" {strength.replace("current_user", owner.fetchone()[0])}')
    try:
        with django_db_blocker.unblock(), pytest.raises(CommandError, match="may only read and write rows"):
            call_command("db_app_role", role)
        # Setting its password does not quietly strip the role of its powers either.
        monkeypatch.setenv("KAM_TEST_APP_PASSWORD", "x")
        with django_db_blocker.unblock(), pytest.raises(CommandError, match="may only read and write rows"):
            call_command("db_app_role", role, "--password-env", "KAM_TEST_APP_PASSWORD")
    finally:
        owner.execute(f'DROP OWNED BY "{role}"; DROP ROLE "{role}"')
