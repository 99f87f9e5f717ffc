"""Visit services: logging a visit (K-20) and what it sets in motion — the account's
touch count (K-02), the customer's issues and their deadlines (K-22), the silent
period (K-25) and the overlap warning (K-24); editing with optimistic concurrency;
and the monthly sign-off (K-21) from submission to decision."""

import contextlib
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from contacts.models import Contact
from tests.factories import AccountFactory, ContactFactory
from tests.visits.factories import CustomerIssueFactory, VisitFactory
from visits.models import CustomerIssue, IssueUpdate, MonthlyLog, OverlapAlert, SignOffEvent, Visit
from visits.services import (
    issue_follow_up,
    monthly_log_approve,
    monthly_log_comment,
    monthly_log_return,
    monthly_log_submit,
    submission_deadline,
    visit_delete,
    visit_log,
    visit_update,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_day")]  # tests/clock.py

SHANGHAI = ZoneInfo("Asia/Shanghai")
UTC = ZoneInfo("UTC")


def at(*args):
    return datetime(*args, tzinfo=SHANGHAI)


def log_visit(account, by, when=None, **extra):
    fields = {"occurred_at": when or timezone.now(), "channel": "on_site", "purpose": "Delivery review",
              "summary": "Walked through the delivery plan."}
    return visit_log(account=account, by=by, **{**fields, **extra})


def this_month():
    return timezone.localdate().replace(day=1)


@pytest.fixture
def account(manager):
    return AccountFactory(name="Haier", owner=manager)


@pytest.fixture
def contact(account):
    return ContactFactory(account=account, name="Zhou Min")


# --- K-20: logging a visit ------------------------------------------------------------


def test_k20_a_late_evening_visit_belongs_to_its_local_month(account, manager):
    visit = log_visit(account, manager, at(2026, 11, 30, 23, 30))  # 15:30 UTC, still November everywhere

    assert visit.log_month == date(2026, 11, 1)


def test_k20_the_month_is_the_local_one_not_utcs(account, manager):
    visit = log_visit(account, manager, datetime(2026, 11, 30, 16, 30, tzinfo=UTC))  # 00:30 on 1 Dec in Shanghai

    assert visit.log_month == date(2026, 12, 1)


def test_k20_k02_each_logged_visit_counts_as_a_touch_of_the_account(account, manager):
    log_visit(account, manager)
    log_visit(account, manager, channel="email", customer_replied=True)

    account.refresh_from_db()
    assert account.touches_since_review == 2


def test_k20_contacts_of_another_account_are_refused(account, manager):
    stranger = ContactFactory(account=AccountFactory(name="Gree"), name="Wu Gang")

    with pytest.raises(ValidationError) as refused:
        log_visit(account, manager, contacts=[stranger])

    assert "contacts" in refused.value.message_dict
    assert not Visit.objects.exists()
    account.refresh_from_db()
    assert account.touches_since_review == 0


def test_k20_the_visit_keeps_its_contacts(account, manager, contact):
    second = ContactFactory(account=account, name="Sun Li")

    visit = log_visit(account, manager, contacts=[contact, second])

    assert set(visit.contacts.all()) == {contact, second}


# --- K-22: issues, their deadlines and their follow-up ---------------------------------


def log_with_issue(account, manager, kind):
    before = timezone.now()
    visit = log_visit(account, manager, issues=[
        {"kind": kind, "description": "Invoice is wrong."}])
    return before, visit.issues.get(), timezone.now()


def test_k22_a_complaint_is_due_24_hours_after_it_is_logged(account, manager):
    before, issue, after = log_with_issue(account, manager, "complaint")

    assert before + timedelta(hours=24) <= issue.due_at <= after + timedelta(hours=24)
    assert (issue.owner, issue.account, issue.status) == (manager, account, "open")


def test_k22_a_request_is_due_72_hours_after_it_is_logged(account, manager):
    before, issue, after = log_with_issue(account, manager, "request")

    assert before + timedelta(hours=72) <= issue.due_at <= after + timedelta(hours=72)


def test_k22_the_deadlines_come_from_the_settings(account, manager, settings):
    settings.VISITS_ISSUE_DUE_HOURS = {**settings.VISITS_ISSUE_DUE_HOURS, "complaint": 8}

    before, issue, after = log_with_issue(account, manager, "complaint")

    assert before + timedelta(hours=8) <= issue.due_at <= after + timedelta(hours=8)


@pytest.fixture
def issue(account, manager):
    return log_visit(account, manager, issues=[
        {"kind": "complaint", "description": "Late delivery."}]).issues.get()


def test_k22_an_issue_is_followed_through_until_the_customer_is_told(issue, manager):
    issue_follow_up(issue=issue, by=manager, status="in_progress", note="Asked logistics.")
    issue_follow_up(issue=issue, by=manager, status="resolved", resolution="Shipped by air.")
    issue_follow_up(issue=issue, by=manager, status="informed", note="Called the buyer.")

    issue.refresh_from_db()
    assert issue.status == "informed" and issue.resolution == "Shipped by air."
    assert issue.resolved_at <= issue.informed_at and issue.handled_on_time
    assert list(IssueUpdate.objects.filter(issue=issue).values_list("status", "note")) == [
        ("open", "Logged with the visit."), ("in_progress", "Asked logistics."), ("resolved", ""),
        ("informed", "Called the buyer.")]


def test_k22_an_issue_moves_forward_only(issue, manager):
    issue_follow_up(issue=issue, by=manager, status="in_progress")

    with pytest.raises(ValidationError) as refused:
        issue_follow_up(issue=issue, by=manager, status="open")

    assert "status" in refused.value.message_dict
    assert CustomerIssue.objects.get(pk=issue.pk).status == "in_progress"


def test_k22_resolving_needs_a_resolution(issue, manager):
    for status in ("resolved", "informed"):
        with pytest.raises(ValidationError) as refused:
            issue_follow_up(issue=issue, by=manager, status=status)
        assert "resolution" in refused.value.message_dict

    assert CustomerIssue.objects.get(pk=issue.pk).status == "open"


def test_k22_informing_the_customer_resolves_and_stamps_the_issue(issue, manager):
    issue_follow_up(issue=issue, by=manager, status="informed", resolution="Credit note sent.")

    issue.refresh_from_db()
    assert issue.informed_at is not None and issue.resolved_at is not None


def test_k22_when_the_customer_was_told_is_kept(issue, manager):
    issue_follow_up(issue=issue, by=manager, status="informed", resolution="Credit note sent.")
    told = timezone.now() - timedelta(days=2)  # two days ago, an hour before the deadline
    CustomerIssue.objects.filter(pk=issue.pk).update(due_at=told + timedelta(hours=1), resolved_at=told,
                                                     informed_at=told)
    issue.refresh_from_db()
    assert issue.handled_on_time

    with contextlib.suppress(ValidationError):  # refusing a second "informed" would be fine too
        issue_follow_up(issue=issue, by=manager, status="informed", note="Sent the credit note again.")

    issue.refresh_from_db()
    assert issue.informed_at == told and issue.handled_on_time


@pytest.mark.parametrize("who", ["manager", "supervisor", "admin"])
def test_k22_the_owner_their_supervisor_or_an_admin_follow_up(issue, who, request):
    issue_follow_up(issue=issue, by=request.getfixturevalue(who), status="in_progress")

    assert CustomerIssue.objects.get(pk=issue.pk).status == "in_progress"


@pytest.mark.parametrize("who", ["outsider", "teammate"])
def test_k22_nobody_else_follows_up(issue, who, request):
    with pytest.raises(PermissionDenied):
        issue_follow_up(issue=issue, by=request.getfixturevalue(who), status="in_progress")

    assert IssueUpdate.objects.filter(issue=issue).count() == 1


def test_k22_due_soon_and_overdue_lists(account, manager):
    now = timezone.now()
    visit = VisitFactory(account=account, author=manager)

    def issue_due(hours, **extra):
        return CustomerIssueFactory(visit=visit, due_at=now + timedelta(hours=hours), **extra)

    late = issue_due(-2)
    soon = issue_due(3)
    issue_due(30)
    issue_due(-5, status="informed", resolution="Done.", informed_at=now)  # late but closed
    issue_due(2, status="resolved", resolution="Done.")  # resolved, customer not told yet

    resolved_soon = CustomerIssue.objects.get(status="resolved")
    assert list(CustomerIssue.objects.overdue(now)) == [late]
    assert list(CustomerIssue.objects.due_soon(now)) == [resolved_soon, soon]
    assert CustomerIssue.objects.open().count() == 4


# --- Editing: only the author, and never over someone else's newer save ------------------


@pytest.fixture
def visit(account, manager, contact):
    return log_visit(account, manager, contacts=[contact])


def test_k20_two_tabs_open_on_version_1_the_second_save_is_refused(visit, manager):
    first_tab = Visit.objects.get(pk=visit.pk)
    second_tab = Visit.objects.get(pk=visit.pk)
    assert first_tab.version == second_tab.version == 1

    visit_update(visit=first_tab, by=manager, version=1, summary="Prices agreed.")
    with pytest.raises(ValidationError, match="Reload"):
        visit_update(visit=second_tab, by=manager, version=1, summary="Prices still open.")

    saved = Visit.objects.get(pk=visit.pk)
    assert (saved.summary, saved.version) == ("Prices agreed.", 2)


def test_k20_only_the_author_edits_a_visit(visit, teammate, supervisor):
    for user in (teammate, supervisor):
        with pytest.raises(PermissionDenied):
            visit_update(visit=visit, by=user, version=visit.version, summary="Not mine.")

    assert Visit.objects.get(pk=visit.pk).version == 1


def test_k20_only_the_author_deletes_a_visit(visit, teammate):
    with pytest.raises(PermissionDenied):
        visit_delete(visit=visit, by=teammate)


def test_k22_a_visit_with_issues_is_not_deleted(issue, manager):
    with pytest.raises(ValidationError, match="issues"):
        visit_delete(visit=issue.visit, by=manager)

    assert Visit.objects.filter(pk=issue.visit_id).exists()


def test_k20_a_visit_without_issues_is_deleted_by_its_author(visit, manager):
    visit_delete(visit=visit, by=manager)

    assert not Visit.objects.filter(pk=visit.pk).exists()


# --- K-21: submitting a month ---------------------------------------------------------------


def test_k21_a_manager_submits_their_own_month(manager):
    log = monthly_log_submit(author=manager, month=this_month(), by=manager)

    assert log.status == MonthlyLog.Status.SUBMITTED and log.submitted_at and not log.is_late
    assert list(log.events.values_list("kind", "by")) == [("submitted", manager.pk)]


def test_k21_nobody_submits_someone_elses_log(manager, supervisor):
    with pytest.raises(PermissionDenied):
        monthly_log_submit(author=manager, month=this_month(), by=supervisor)

    assert not MonthlyLog.objects.exists()


def test_k21_a_month_that_has_not_begun_cannot_be_submitted(manager):
    next_month = (this_month() + timedelta(days=32)).replace(day=1)

    with pytest.raises(ValidationError):
        monthly_log_submit(author=manager, month=next_month, by=manager)


def test_k21_a_month_submitted_after_its_deadline_is_flagged_late(manager):
    long_ago = date(2024, 1, 1)
    assert submission_deadline(long_ago) == date(2024, 2, 5)

    assert monthly_log_submit(author=manager, month=long_ago, by=manager).is_late


def test_k21_a_submitted_month_is_not_submitted_twice(manager):
    monthly_log_submit(author=manager, month=this_month(), by=manager)

    with pytest.raises(ValidationError, match="already"):
        monthly_log_submit(author=manager, month=this_month(), by=manager)


# --- K-21: deciding -------------------------------------------------------------------------


@pytest.fixture
def submitted(manager):
    return monthly_log_submit(author=manager, month=this_month(), by=manager)


@pytest.mark.parametrize("who", ["supervisor", "admin"])
def test_k21_the_authors_supervisor_or_an_admin_approves(submitted, who, request):
    approver = request.getfixturevalue(who)

    monthly_log_approve(log=submitted, by=approver, overall_comment="Thorough.")

    submitted.refresh_from_db()
    assert (submitted.status, submitted.decided_by, submitted.overall_comment) == ("approved", approver, "Thorough.")
    assert submitted.events.last().kind == SignOffEvent.Kind.APPROVED


@pytest.mark.parametrize("who", ["teammate", "manager", "outsider"])
def test_k21_nobody_else_approves(submitted, who, request):
    with pytest.raises(PermissionDenied):
        monthly_log_approve(log=submitted, by=request.getfixturevalue(who))


def test_k21_another_teams_supervisor_neither_approves_nor_returns(submitted, other_team):
    with pytest.raises(PermissionDenied):
        monthly_log_approve(log=submitted, by=other_team.supervisor)
    with pytest.raises(PermissionDenied):
        monthly_log_return(log=submitted, by=other_team.supervisor, reason="Not my team, but still.")

    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_k21_returning_needs_a_reason(submitted, supervisor):
    with pytest.raises(ValidationError) as refused:
        monthly_log_return(log=submitted, by=supervisor, reason=" ")

    assert "reason" in refused.value.message_dict
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_k21_a_returned_month_is_fixed_and_submitted_again(submitted, manager, supervisor):
    monthly_log_return(log=submitted, by=supervisor, reason="Add the contacts you met.")
    assert submitted.status == "returned"

    again = monthly_log_submit(author=manager, month=submitted.month, by=manager)

    assert again.status == "submitted"
    assert list(again.events.values_list("kind", "reason")) == [
        ("submitted", ""), ("returned", "Add the contacts you met."), ("submitted", "")]


@pytest.mark.parametrize(("first", "second"), [
    ("approve", "approve"), ("approve", "return"), ("return", "approve"), ("return", "return")])
def test_k21_a_log_is_decided_once(submitted, supervisor, admin, first, second):
    decide = {"approve": lambda by: monthly_log_approve(log=submitted, by=by),
              "return": lambda by: monthly_log_return(log=submitted, by=by, reason="Fix it.")}
    decide[first](supervisor)

    with pytest.raises(ValidationError, match="no longer"):
        decide[second](admin)

    assert submitted.events.count() == 2


def test_k21_the_supervisor_comments_on_a_visit_of_the_log(submitted, account, manager, supervisor):
    visit = log_visit(account, manager)

    monthly_log_comment(log=submitted, visit=visit, by=supervisor, text="Who else was there?")
    monthly_log_comment(log=submitted, visit=visit, by=supervisor, text="Name who else was there.")

    assert list(visit.comments.values_list("text", flat=True)) == ["Name who else was there."]


def test_k21_a_visit_of_another_month_cannot_be_commented_in_this_log(submitted, account, manager, supervisor):
    earlier = log_visit(account, manager, timezone.now() - timedelta(days=40))

    with pytest.raises(ValidationError, match="not part of this log"):
        monthly_log_comment(log=submitted, visit=earlier, by=supervisor, text="?")


def test_k21_a_teammates_visit_cannot_be_commented_in_this_log(submitted, teammate, supervisor):
    theirs = log_visit(AccountFactory(owner=teammate), teammate)

    with pytest.raises(ValidationError, match="not part of this log"):
        monthly_log_comment(log=submitted, visit=theirs, by=supervisor, text="?")


def test_k21_only_the_supervisor_comments(submitted, account, manager, outsider):
    visit = log_visit(account, manager)

    with pytest.raises(PermissionDenied):
        monthly_log_comment(log=submitted, visit=visit, by=outsider, text="Nice.")


# --- K-25: the silent period ------------------------------------------------------------------


def touch(account, manager, contact, day, channel="email", replied=False):
    return log_visit(account, manager, at(2026, 10, day, 10, 0), channel=channel, customer_replied=replied,
                     contacts=[contact], purpose="Follow-up")


def silent_since(contact):
    return Contact.objects.get(pk=contact.pk).silent_since


@pytest.mark.parametrize("channel", ["email", "sms", "wechat", "phone"])
def test_k25_two_unanswered_touches_start_a_silent_period(account, manager, contact, channel):
    touch(account, manager, contact, 1, channel)
    assert silent_since(contact) is None

    touch(account, manager, contact, 8, channel)

    assert silent_since(contact) == at(2026, 10, 8, 10, 0)


def test_k25_a_reply_ends_the_silent_period(account, manager, contact):
    touch(account, manager, contact, 1)
    touch(account, manager, contact, 8, "wechat")

    touch(account, manager, contact, 15, "phone", replied=True)

    assert silent_since(contact) is None


def test_k25_a_meeting_in_person_ends_the_silent_period(account, manager, contact):
    touch(account, manager, contact, 1)
    touch(account, manager, contact, 8)

    touch(account, manager, contact, 15, "on_site", replied=None)

    assert silent_since(contact) is None


def test_k25_touches_with_an_unknown_reply_are_ignored(account, manager, contact):
    touch(account, manager, contact, 1)
    touch(account, manager, contact, 5, replied=None)
    assert silent_since(contact) is None

    touch(account, manager, contact, 8)
    touch(account, manager, contact, 12, "phone", replied=None)

    assert silent_since(contact) == at(2026, 10, 8, 10, 0)


def test_k25_only_the_touched_contact_falls_silent(account, manager, contact):
    colleague = ContactFactory(account=account, name="Sun Li")
    touch(account, manager, colleague, 1, "on_site", replied=None)

    touch(account, manager, contact, 3)
    touch(account, manager, contact, 8)

    assert silent_since(contact) is not None and silent_since(colleague) is None


def test_k25_correcting_the_reply_of_a_touch_ends_the_silent_period(account, manager, contact):
    touch(account, manager, contact, 1)
    second = touch(account, manager, contact, 8)

    visit_update(visit=second, by=manager, version=second.version, customer_replied=True)

    assert silent_since(contact) is None


def test_k25_deleting_an_unanswered_touch_ends_the_silent_period(account, manager, contact):
    touch(account, manager, contact, 1)
    second = touch(account, manager, contact, 8)

    visit_delete(visit=second, by=manager)

    assert silent_since(contact) is None


def test_k25_a_contact_taken_off_an_unanswered_touch_is_no_longer_silent(account, manager, contact):
    colleague = ContactFactory(account=account, name="Sun Li")
    touch(account, manager, contact, 1)
    second = touch(account, manager, contact, 8)
    assert silent_since(contact) is not None

    visit_update(visit=second, by=manager, version=second.version, contacts=[colleague])  # it went to Sun Li

    assert silent_since(contact) is None


# --- K-24: two managers on one contact --------------------------------------------------------


def test_k24_a_teammate_meeting_the_same_contact_within_30_days_is_warned_and_the_first_manager_told(
        account, manager, teammate, contact, eager_celery, django_capture_on_commit_callbacks, mailoutbox):
    mine = log_visit(account, manager, at(2026, 10, 1, 10, 0), contacts=[contact])

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        theirs = log_visit(account, teammate, at(2026, 10, 20, 15, 0), contacts=[contact], channel="phone")

    [alert] = OverlapAlert.objects.all()
    assert (alert.visit, alert.other_visit, alert.contact) == (theirs, mine, contact)
    assert [(a.other_visit, a.contact) for a in theirs.new_overlaps] == [(mine, contact)]
    assert len(callbacks) == 1
    [mail] = mailoutbox
    assert mail.to == ["li@example.com"]
    assert str(contact) in mail.subject and str(teammate) in mail.subject
    assert f"/visits/{theirs.pk}/" in mail.body


def test_k24_the_first_visit_itself_raises_no_alert(account, manager, contact, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        visit = log_visit(account, manager, contacts=[contact])

    assert visit.new_overlaps == [] and callbacks == []
    assert not OverlapAlert.objects.exists()


def test_k24_the_same_manager_meeting_a_contact_again_is_no_overlap(account, manager, contact):
    log_visit(account, manager, at(2026, 10, 1, 10, 0), contacts=[contact])
    log_visit(account, manager, at(2026, 10, 5, 10, 0), contacts=[contact])

    assert not OverlapAlert.objects.exists()


def test_k24_visits_40_days_apart_are_no_overlap(account, manager, teammate, contact,
                                                 django_capture_on_commit_callbacks, mailoutbox):
    log_visit(account, manager, at(2026, 9, 1, 10, 0), contacts=[contact])

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        log_visit(account, teammate, at(2026, 10, 11, 10, 0), contacts=[contact])

    assert not OverlapAlert.objects.exists()
    assert callbacks == [] and mailoutbox == []


def test_k24_a_different_contact_of_the_same_account_is_no_overlap(account, manager, teammate, contact):
    log_visit(account, manager, at(2026, 10, 1, 10, 0), contacts=[contact])

    log_visit(account, teammate, at(2026, 10, 2, 10, 0), contacts=[ContactFactory(account=account)])

    assert not OverlapAlert.objects.exists()


def test_k24_the_email_gives_the_visit_dates_in_local_time(account, manager, teammate, contact, eager_celery,
                                                           django_capture_on_commit_callbacks, mailoutbox):
    log_visit(account, manager, at(2026, 10, 2, 7, 0), contacts=[contact])

    with django_capture_on_commit_callbacks(execute=True):
        log_visit(account, teammate, at(2026, 10, 9, 7, 30), contacts=[contact])

    [mail] = mailoutbox
    assert "2026-10-09" in mail.body and "2026-10-02" in mail.body


def test_k24_a_colleague_with_four_visits_to_the_contact_makes_one_alert_and_one_e_mail(
        account, manager, teammate, contact, eager_celery, django_capture_on_commit_callbacks, mailoutbox):
    """Issue 16: one alert per pair of managers per contact per window, not one per earlier visit."""
    for day in (1, 5, 9, 13):
        log_visit(account, manager, at(2026, 10, day, 10, 0), contacts=[contact])

    with django_capture_on_commit_callbacks(execute=True):
        theirs = log_visit(account, teammate, at(2026, 10, 15, 10, 0), contacts=[contact], channel="phone")

    [alert] = OverlapAlert.objects.all()
    assert (alert.visit, alert.other_visit.occurred_at) == (theirs, at(2026, 10, 13, 10, 0))  # the nearest
    assert [mail.to for mail in mailoutbox] == [["li@example.com"]]


def test_k24_the_pair_is_not_warned_again_within_the_window_but_is_after_it(account, manager, teammate, contact):
    log_visit(account, manager, at(2026, 9, 1, 10, 0), contacts=[contact])
    log_visit(account, teammate, at(2026, 9, 3, 10, 0), contacts=[contact])
    log_visit(account, manager, at(2026, 9, 20, 10, 0), contacts=[contact])  # the same two, again
    assert OverlapAlert.objects.count() == 1

    log_visit(account, teammate, at(2026, 11, 2, 10, 0), contacts=[contact])  # two months on
    log_visit(account, manager, at(2026, 11, 4, 10, 0), contacts=[contact])

    assert OverlapAlert.objects.count() == 2


def test_k24_a_third_manager_on_the_same_contact_is_a_new_pair(account, manager, teammate, contact):
    from tests.factories import UserFactory

    third = UserFactory(team=manager.team)
    log_visit(account, manager, at(2026, 10, 1, 10, 0), contacts=[contact])
    log_visit(account, teammate, at(2026, 10, 2, 10, 0), contacts=[contact])
    log_visit(account, third, at(2026, 10, 3, 10, 0), contacts=[contact])

    pairs = {(a.manager_low_id, a.manager_high_id) for a in OverlapAlert.objects.all()}
    assert pairs == {tuple(sorted((manager.pk, teammate.pk))), tuple(sorted((manager.pk, third.pk))),
                     tuple(sorted((teammate.pk, third.pk)))}
