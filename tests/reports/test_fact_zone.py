"""The reports' read model follows DJANGO_TIME_ZONE (issue 19 item 4): the triggers of the touches,
issues and care facts count local days, so a team that runs the CRM in another zone must get the
same figures from the facts as from the live count. A changed zone moves the triggers and recounts
those facts at the next migrate; the nightly check never recounts them under triggers of another
zone, which would mix two zones in one figure."""

import logging
from datetime import UTC, date, datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from care.models import CareTask
from reports import facts
from reports.facts import facts_refresh, keep_triggers_current, trigger_body
from reports.models import CareFact, IssueFact, TouchFact
from tests.factories import AccountFactory
from tests.visits.factories import CustomerIssueFactory, VisitFactory

pytestmark = pytest.mark.django_db

# Moments where Shanghai (UTC+8) and London (UTC+1 from 29 March) see different days.
VISIT_AT = datetime(2026, 3, 7, 20, 0, tzinfo=UTC)  # Shanghai 8 March (week 2), London 7 March (week 1)
DUE_AT = datetime(2026, 3, 31, 17, 0, tzinfo=UTC)  # Shanghai 1 April, London 31 March
DONE_AT = datetime(2026, 3, 10, 18, 0, tzinfo=UTC)  # Shanghai 11 March (late), London 10 March (on time)


def installed_bodies():
    with connection.cursor() as cursor:
        cursor.execute("SELECT proname, prosrc FROM pg_proc WHERE proname LIKE 'reports_%%_apply'")
        return dict(cursor.fetchall())


def read_model():
    return {
        "weeks": sorted(TouchFact.objects.values_list("week", "touches")),
        "issue months": sorted(IssueFact.objects.values_list("month", "issues")),
        "care on time": list(CareFact.objects.values_list("tasks", "on_time")),
    }


@pytest.fixture
def work(manager):
    account = AccountFactory(owner=manager)
    visit = VisitFactory(account=account, author=manager, occurred_at=VISIT_AT, log_month=date(2026, 3, 1))
    CustomerIssueFactory(visit=visit, due_at=DUE_AT)
    CareTask.objects.create(kind="custom", occasion="zone", account=account, owner=manager,
                            due_on=date(2026, 3, 10), status=CareTask.Status.DONE, done_at=DONE_AT)
    return visit


def test_the_migrated_triggers_are_the_ones_the_code_writes():
    installed = installed_bodies()

    for fact in facts.FACTS:
        assert installed[f"{fact.table}_apply"] == trigger_body(fact), fact.table
    assert keep_triggers_current() == []  # the zone unchanged: nothing to move


def test_in_shanghai_the_facts_count_shanghai_days(work):
    assert read_model() == {"weeks": [(2, 1)], "issue months": [(date(2026, 4, 1), 1)], "care on time": [(1, 0)]}


def test_a_new_time_zone_moves_the_triggers_and_recounts_at_the_next_migrate(work):
    with override_settings(TIME_ZONE="Europe/London"):
        call_command("migrate", verbosity=0)  # nothing to apply; its post_migrate moves the zone

        assert read_model() == {"weeks": [(1, 1)], "issue months": [(date(2026, 3, 1), 1)],
                                "care on time": [(1, 1)]}
        assert "'Europe/London'" in installed_bodies()["reports_issuefact_apply"]
        CustomerIssueFactory(visit=work, due_at=DUE_AT)  # a write after the move: counted in London's month
        assert sorted(IssueFact.objects.values_list("month", "issues")) == [(date(2026, 3, 1), 2)]
        assert facts_refresh() == 0  # the triggers and the recount agree
        assert keep_triggers_current() == []

    assert keep_triggers_current() == [facts.TOUCHES, facts.ISSUES, facts.CARE]  # and back, as migrate would
    assert sorted(IssueFact.objects.values_list("month", "issues")) == [(date(2026, 4, 1), 2)]


def test_the_nightly_check_leaves_facts_of_another_zone_alone_and_says_why(work, caplog):
    with override_settings(TIME_ZONE="Europe/London"), caplog.at_level(logging.ERROR, logger="reports.facts"):
        facts_refresh()

    assert read_model()["issue months"] == [(date(2026, 4, 1), 1)]  # not half moved
    assert "run manage.py migrate" in caplog.text
