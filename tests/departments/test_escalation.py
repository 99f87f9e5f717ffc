"""K-22, K-27 and X-02: near the deadline the owner is reminded; past it the department's head and
the account's supervisor are told — through the notification centre, each exactly once."""

import pytest

from core.models import OutboxMessage
from notifications.models import Notification
from tests.clock import frozen
from visits.services import (
    green_request_create,
    green_request_dispatch,
    issue_accept,
    issue_deadlines_notify,
)

pytestmark = pytest.mark.django_db


def told(kind):
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def test_x02_reminded_near_the_deadline_and_escalated_past_it_each_once(log_complaint, service, service_member,
                                                                        supervisor):
    with frozen(2026, 3, 18, 9):
        issue = log_complaint(department=service)  # a complaint: due 24 h later
        issue_accept(issue=issue, by=service_member)
    with frozen(2026, 3, 19, 6):  # three hours before
        issue_deadlines_notify()
        issue_deadlines_notify()
    assert told("issue_due") == ["sun"]  # the owner in the department
    with frozen(2026, 3, 19, 10):  # an hour late
        issue_deadlines_notify()
        issue_deadlines_notify()
    assert told("issue_overdue") == ["wang", "zhou"]  # the account's supervisor and the department's head
    assert OutboxMessage.objects.filter(dedupe_key__contains=f"issue:{issue.pk}:overdue").count() == 2  # e-mails
    with frozen(2026, 3, 19, 11):
        assert issue_deadlines_notify() == 0


def test_x02_nobody_accepted_it_yet_so_the_head_is_reminded(log_complaint, service):
    with frozen(2026, 3, 18, 9):
        log_complaint(department=service)
    with frozen(2026, 3, 19, 6):
        issue_deadlines_notify()
    assert told("issue_due") == ["zhou"]


def test_k22_an_issue_the_visitor_handles_reminds_the_visitor_and_escalates_to_the_supervisor(log_complaint):
    with frozen(2026, 3, 18, 9):
        log_complaint()
    with frozen(2026, 3, 19, 6):
        issue_deadlines_notify()
    with frozen(2026, 3, 19, 10):
        issue_deadlines_notify()
    assert (told("issue_due"), told("issue_overdue")) == (["li"], ["wang"])


def test_x02_an_old_overdue_issue_is_not_escalated_again_by_a_new_job(log_complaint, service):
    with frozen(2026, 3, 1, 9):
        log_complaint(department=service)
    with frozen(2026, 3, 18, 9):
        assert issue_deadlines_notify() == 0


def test_k27_each_green_channel_stage_is_reminded_and_escalated_once(account, manager, service, supervisor):
    with frozen(2026, 3, 18, 9):
        request = green_request_create(account=account, by=manager, title="Spare parts")  # dispatch due 13:00
    with frozen(2026, 3, 18, 10):
        issue_deadlines_notify()
        issue_deadlines_notify()
    assert told("issue_due") == ["li"]  # the requester: dispatch it
    with frozen(2026, 3, 18, 14):
        issue_deadlines_notify()
        issue_deadlines_notify()
    assert told("issue_overdue") == ["wang"]
    with frozen(2026, 3, 18, 15):
        green_request_dispatch(request=request, by=manager, department=service)  # completion due in 48 h
    with frozen(2026, 3, 20, 13):
        issue_deadlines_notify()
        issue_deadlines_notify()
    assert told("issue_due") == ["li", "zhou"]  # and now the department's head
    with frozen(2026, 3, 20, 16):
        issue_deadlines_notify()
        issue_deadlines_notify()
    assert told("issue_overdue") == ["wang", "wang", "zhou"]  # one per stage
    assert Notification.objects.filter(dedupe_key=f"green:{request.pk}:dispatched:overdue").count() == 2
