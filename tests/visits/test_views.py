"""Visit pages as their users live them: logging a visit with the customer's issues
through the form (K-20, K-22), who sees and edits whose visits, the issue lists,
and the monthly sign-off from submission to reopening (K-21). Pages cost a fixed
number of queries, however many visits, contacts and issues lie behind them."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertRedirects

from tests.factories import AccountFactory, ContactFactory
from tests.visits.factories import CustomerIssueFactory, VisitFactory
from visits.models import CustomerIssue, IssueUpdate, MonthlyLog, OverlapAlert, SignOffEvent, Visit, VisitComment
from visits.services import monthly_log_approve, monthly_log_reopen, monthly_log_submit, visit_log

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_day")]  # tests/clock.py


@pytest.fixture
def account(manager):
    return AccountFactory(name="Haier", owner=manager)


@pytest.fixture
def contacts(account):
    return [ContactFactory(account=account, name="Zhou Min"), ContactFactory(account=account, name="Sun Li")]


def messages_of(response):
    return " ".join(str(message) for message in response.context["messages"])


def html_of(response):
    return response.content.decode()


def contact_boxes(html):
    """The contact checkboxes of a form: {contact pk: ticked}."""
    boxes = re.findall(r'<input type="checkbox"[^>]*name="contacts" value="(\d+)"[^>]*>', html)
    ticked = re.findall(r'<input type="checkbox"[^>]*name="contacts" value="(\d+)"[^>]*checked[^>]*>', html)
    return {int(pk): pk in ticked for pk in boxes}


def checkbox_values(html):
    return set(contact_boxes(html))


def log_visit(account, by, **extra):
    fields = {"occurred_at": timezone.now(), "channel": "on_site", "purpose": "Delivery review",
              "summary": "Walked through the delivery plan."}
    return visit_log(account=account, by=by, **{**fields, **extra})


def visit_form(account=None, **fields):
    """What the browser posts for a visit, with an empty issue row unless told otherwise."""
    data = {
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "channel": "on_site",
        "purpose": "Delivery review", "summary": "Walked through the delivery plan.", "customer_replied": "unknown",
        "issues-TOTAL_FORMS": "1", "issues-INITIAL_FORMS": "0", "issues-MIN_NUM_FORMS": "0",
        "issues-MAX_NUM_FORMS": "5", "issues-0-kind": "request", "issues-0-description": "",
        "issues-0-department": "",
    }
    if account is not None:
        data["account"] = account.pk
    data.update(fields)
    return data




def edit_form(visit, **fields):
    data = {
        "occurred_at": timezone.localtime(visit.occurred_at).strftime("%Y-%m-%dT%H:%M"), "channel": visit.channel,
        "contacts": [c.pk for c in visit.contacts.all()], "purpose": visit.purpose, "summary": visit.summary,
        "customer_replied": "unknown", "version": visit.version,
    }
    data.update(fields)
    return data


# --- K-20: the visit form ---------------------------------------------------------------


def test_k20_the_form_starts_from_now_and_the_managers_usual_channel(client, manager, teammate, account, contacts):
    for channel in ("phone", "phone", "phone", "on_site"):
        VisitFactory(account=account, author=manager, channel=channel)
    for _i in range(5):
        VisitFactory(account=account, author=teammate, channel="wechat")  # someone else's habit
    client.force_login(manager)

    response = client.get(reverse("visits:create") + f"?account={account.pk}")

    form = response.context["form"]
    assert form.initial["channel"] == "phone"
    assert abs(form.initial["occurred_at"] - timezone.now()) < timedelta(minutes=1)
    assert form.initial["account"] == account
    assert '<option value="phone" selected>' in html_of(response)


def test_k20_the_form_lists_the_accounts_contacts_as_checkboxes(client, manager, account, contacts):
    ContactFactory(account=AccountFactory(name="Gree", owner=manager), name="Wu Gang")
    client.force_login(manager)

    response = client.get(reverse("visits:create") + f"?account={account.pk}")

    assert checkbox_values(html_of(response)) == {c.pk for c in contacts}


def test_k20_k22_a_visit_with_two_contacts_and_a_complaint_is_logged(client, manager, account, contacts, service):
    client.force_login(manager)

    response = client.post(reverse("visits:create"), visit_form(
        account, contacts=[c.pk for c in contacts], customer_feedback="Wants faster spare parts.",
        **{"issues-0-kind": "complaint", "issues-0-description": "Spare parts arrive late.",
           "issues-0-department": service.pk}))

    visit = Visit.objects.get()
    assertRedirects(response, visit.get_absolute_url(), fetch_redirect_response=False)
    assert set(visit.contacts.all()) == set(contacts)
    assert (visit.author, visit.customer_feedback) == (manager, "Wants faster spare parts.")
    issue = CustomerIssue.objects.get()
    assert (issue.visit, issue.kind, issue.department, issue.owner) == (visit, "complaint", service, manager)

    detail = client.get(visit.get_absolute_url())
    html = html_of(detail)
    assert "Spare parts arrive late." in html and "Zhou Min" in html and "Sun Li" in html
    # timeuntil of a deadline a moment under 24 h away: two units, non-breaking spaces.
    assert "Due in 23\xa0hours, 59\xa0minutes" in html
    assert "Visit logged." in messages_of(detail)


def test_k20_an_empty_issue_row_adds_no_issue(client, manager, account):
    client.force_login(manager)

    client.post(reverse("visits:create"), visit_form(account))

    assert Visit.objects.count() == 1 and not CustomerIssue.objects.exists()


def test_k20_bad_input_is_shown_at_the_field_and_nothing_typed_is_lost(client, manager, account, contacts):
    client.force_login(manager)

    response = client.post(reverse("visits:create"), visit_form(
        account, purpose="", summary="", occurred_at="not-a-date", location="Qingdao plant",
        customer_feedback="Wants faster spare parts.", contacts=[contacts[0].pk]))

    assert response.status_code == 200
    assert {"purpose", "summary", "occurred_at"} <= set(response.context["form"].errors)
    html = html_of(response)
    assert 'value="not-a-date"' in html and 'value="Qingdao plant"' in html
    assert "Wants faster spare parts." in html
    assert contact_boxes(html) == {contacts[0].pk: True, contacts[1].pk: False}
    assert not Visit.objects.exists()


def test_k05_a_manager_cannot_log_on_an_account_outside_their_scope(client, manager, outsider):
    theirs = AccountFactory(name="Midea", owner=outsider)
    client.force_login(manager)

    assert client.get(reverse("visits:create") + f"?account={theirs.pk}").status_code == 404
    form_page = client.get(reverse("visits:create"))
    assert theirs not in form_page.context["form"].fields["account"].queryset
    response = client.post(reverse("visits:create"), visit_form(theirs))

    assert response.status_code == 200 and "account" in response.context["form"].errors
    assert not Visit.objects.exists()


@pytest.mark.parametrize("url_name", ["visits:create", "visits:contact-options"])
def test_k20_a_malformed_account_in_the_address_is_no_server_error(client, manager, url_name):
    client.force_login(manager)

    response = client.get(reverse(url_name) + "?account=abc")

    assert response.status_code in (200, 404)


def test_k20_choosing_an_account_loads_only_its_contacts(client, manager, account, contacts):
    other = AccountFactory(name="Gree", owner=manager)
    theirs = ContactFactory(account=other, name="Wu Gang")
    client.force_login(manager)

    response = client.get(reverse("visits:contact-options") + f"?account={other.pk}")

    assert checkbox_values(html_of(response)) == {theirs.pk}


def test_k05_contact_options_of_an_account_outside_the_scope_are_empty(client, manager, outsider):
    theirs = AccountFactory(name="Midea", owner=outsider)
    ContactFactory(account=theirs, name="Secret buyer")
    client.force_login(manager)

    response = client.get(reverse("visits:contact-options") + f"?account={theirs.pk}")

    assert response.status_code == 200 and checkbox_values(html_of(response)) == set()
    assert "Secret buyer" not in html_of(response)


# --- K-05: who sees and changes whose visits --------------------------------------------


@pytest.fixture
def visit(account, manager, contacts):
    return log_visit(account, manager, contacts=contacts)


@pytest.mark.parametrize("url_name", ["visits:detail", "visits:edit", "visits:delete"])
def test_k05_an_outsider_does_not_find_li_s_visit(client, outsider, visit, url_name):
    client.force_login(outsider)

    assert client.get(reverse(url_name, args=[visit.pk])).status_code == 404
    assert client.post(reverse(url_name, args=[visit.pk]), edit_form(visit, purpose="Mine now")).status_code == 404
    assert Visit.objects.get(pk=visit.pk).purpose == "Delivery review"


def test_k05_a_teammate_reads_the_visit_but_cannot_change_it(client, teammate, visit):
    client.force_login(teammate)

    detail = client.get(reverse("visits:detail", args=[visit.pk]))
    assert detail.status_code == 200 and not detail.context["can_edit"]
    assert reverse("visits:edit", args=[visit.pk]) not in html_of(detail)
    for url_name in ("visits:edit", "visits:delete"):
        # In sight but not theirs: refused (403), not hidden (issue 14).
        assert client.get(reverse(url_name, args=[visit.pk])).status_code == 403
        assert client.post(reverse(url_name, args=[visit.pk]), edit_form(visit)).status_code == 403
    assert Visit.objects.filter(pk=visit.pk, version=1).exists()


def test_k20_the_author_edits_the_visit(client, manager, visit, contacts):
    client.force_login(manager)

    response = client.post(reverse("visits:edit", args=[visit.pk]),
                           edit_form(visit, summary="Prices agreed.", contacts=[contacts[1].pk]))

    assertRedirects(response, visit.get_absolute_url())
    saved = Visit.objects.get(pk=visit.pk)
    assert (saved.summary, saved.version, list(saved.contacts.all())) == ("Prices agreed.", 2, [contacts[1]])


def test_k20_a_save_over_a_newer_save_is_refused_and_the_typed_text_kept(client, manager, visit):
    client.force_login(manager)
    first_tab = edit_form(visit, summary="Prices agreed.")
    second_tab = edit_form(visit, summary="Prices still open, ask again.")
    client.post(reverse("visits:edit", args=[visit.pk]), first_tab)

    response = client.post(reverse("visits:edit", args=[visit.pk]), second_tab)

    assert response.status_code == 200
    assert "Reload" in " ".join(response.context["form"].non_field_errors())
    assert "Prices still open, ask again." in html_of(response)
    assert Visit.objects.get(pk=visit.pk).summary == "Prices agreed."


def test_k20_the_author_deletes_a_visit_after_confirming(client, manager, visit):
    client.force_login(manager)

    assert "cannot be undone" in html_of(client.get(reverse("visits:delete", args=[visit.pk])))
    response = client.post(reverse("visits:delete", args=[visit.pk]))

    assertRedirects(response, reverse("visits:list"))
    assert not Visit.objects.filter(pk=visit.pk).exists()


def test_k22_a_visit_with_issues_is_kept(client, manager, account):
    visit = log_visit(account, manager, issues=[{"kind": "request", "description": "Price list."}])
    client.force_login(manager)

    response = client.post(reverse("visits:delete", args=[visit.pk]), follow=True)

    assert "customer issues" in messages_of(response)
    assert Visit.objects.filter(pk=visit.pk).exists()


# --- K-22: the issue lists and the follow-up ----------------------------------------------


@pytest.fixture
def issues(account, manager, teammate):
    """li's issues at every stage, and one of chen's that is overdue."""
    now = timezone.now()
    mine = VisitFactory(account=account, author=manager)
    chens = VisitFactory(account=AccountFactory(name="Gree", owner=teammate), author=teammate)

    def issue(visit, description, hours, **extra):
        CustomerIssueFactory(visit=visit, description=description, due_at=now + timedelta(hours=hours), **extra)

    issue(mine, "li overdue", -3)
    issue(mine, "li due soon", 5)
    issue(mine, "li later", 60)
    issue(mine, "li done", -30, status="informed", resolution="Refund.", informed_at=now - timedelta(hours=40))
    issue(chens, "chen overdue", -1)


TABS = {
    "attention": {"li overdue", "li due soon"},
    "overdue": {"li overdue"},
    "due_soon": {"li due soon"},
    "open": {"li overdue", "li due soon", "li later"},
    "all": {"li overdue", "li due soon", "li later", "li done"},
}


def shown(client, tab):
    response = client.get(reverse("visits:issues") + f"?show={tab}")
    assert response.status_code == 200
    return {issue.description for issue in response.context["issues"]}


@pytest.mark.parametrize("tab", TABS)
def test_k22_the_owner_sees_their_issues_in_each_tab(client, manager, issues, tab):
    client.force_login(manager)

    assert shown(client, tab) == TABS[tab]


@pytest.mark.parametrize("tab", TABS)
def test_k22_the_supervisor_sees_the_whole_teams_issues(client, supervisor, issues, tab):
    client.force_login(supervisor)

    chens = {"chen overdue"} if tab in ("attention", "overdue", "open", "all") else set()
    assert shown(client, tab) == TABS[tab] | chens


@pytest.mark.parametrize("tab", TABS)
def test_k22_an_outsider_sees_none_of_them(client, outsider, issues, tab):
    client.force_login(outsider)

    assert shown(client, tab) == set()


def test_k22_the_owner_follows_an_issue_up_from_the_visit_page(client, manager, account):
    visit = log_visit(account, manager, issues=[{"kind": "complaint", "description": "Late parts."}])
    issue = visit.issues.get()
    client.force_login(manager)

    response = client.post(reverse("visits:issue-follow-up", args=[issue.pk]),
                           {"status": "informed", "resolution": "Shipped by air.", "note": "Told Zhou Min."})

    assertRedirects(response, visit.get_absolute_url(), fetch_redirect_response=False)
    issue.refresh_from_db()
    assert issue.status == "informed" and issue.informed_at is not None
    assert IssueUpdate.objects.filter(issue=issue, note="Told Zhou Min.").exists()


def test_k22_an_outsider_cannot_follow_up(client, outsider, account, manager):
    issue = log_visit(account, manager, issues=[{"kind": "complaint", "description": "Late parts."}]).issues.get()
    client.force_login(outsider)

    response = client.post(reverse("visits:issue-follow-up", args=[issue.pk]), {"status": "in_progress"})

    assert response.status_code == 404
    assert CustomerIssue.objects.get(pk=issue.pk).status == "open"


# --- K-21: the monthly sign-off through the pages ---------------------------------------


def this_month():
    return timezone.localdate().replace(day=1)


def test_k21_a_month_goes_from_submission_to_lock_and_is_reopened_with_a_reason(
        client, manager, supervisor, visit):
    month = this_month()

    client.force_login(manager)
    client.post(reverse("visits:sign-off-submit"), {"month": f"{month:%Y-%m}", "confirmed": "1"})
    log = MonthlyLog.objects.get(author=manager, month=month)
    assert log.status == "submitted"

    client.force_login(supervisor)
    home = client.get(reverse("visits:sign-off"))
    assert list(home.context["pending"]) == [log]
    assert reverse("visits:sign-off-review", args=[log.pk]) in html_of(home)
    review = client.get(reverse("visits:sign-off-review", args=[log.pk]))
    assert review.context["can_decide"] and "Delivery review" in html_of(review)

    client.post(reverse("visits:sign-off-comment", args=[log.pk, visit.pk]), {"text": "Who decides on price?"})
    assert VisitComment.objects.get(log=log, visit=visit).text == "Who decides on price?"
    client.post(reverse("visits:sign-off-decide", args=[log.pk]), {"decision": "approve", "comment": "Good month."})
    log.refresh_from_db()
    assert (log.status, log.decided_by, log.overall_comment) == ("approved", supervisor, "Good month.")

    client.force_login(manager)
    refused = client.post(reverse("visits:edit", args=[visit.pk]), edit_form(visit, summary="Rewritten."),
                          follow=True)
    assert "locked" in messages_of(refused)
    assert Visit.objects.get(pk=visit.pk).summary == "Walked through the delivery plan."
    assert "Who decides on price?" in html_of(client.get(visit.get_absolute_url()))

    client.force_login(supervisor)
    client.post(reverse("visits:sign-off-reopen", args=[log.pk]), {"reason": ""})
    log.refresh_from_db()
    assert log.status == "approved"  # no reason, no reopening
    client.post(reverse("visits:sign-off-reopen", args=[log.pk]), {"reason": "li met a second buyer."})
    log.refresh_from_db()
    assert log.status == "open"
    assert SignOffEvent.objects.filter(log=log, kind="reopened", reason="li met a second buyer.").exists()

    client.force_login(manager)
    reopened = client.get(reverse("visits:edit", args=[visit.pk]))
    assert reopened.status_code == 200 and reopened.context["form"].initial["version"] == visit.version


def test_k21_after_a_reopen_the_author_corrects_the_visit_through_the_page(client, manager, supervisor, visit):
    log = monthly_log_submit(author=manager, month=this_month(), by=manager)
    monthly_log_approve(log=log, by=supervisor)
    monthly_log_reopen(log=log, by=supervisor, reason="li met a second buyer.")
    client.force_login(manager)

    client.post(reverse("visits:edit", args=[visit.pk]), edit_form(visit, summary="Two buyers met."))

    assert Visit.objects.get(pk=visit.pk).summary == "Two buyers met."


def test_k21_returning_without_a_comment_is_refused_and_the_log_stays_submitted(client, manager, supervisor):
    log = monthly_log_submit(author=manager, month=this_month(), by=manager)
    client.force_login(supervisor)

    response = client.post(reverse("visits:sign-off-decide", args=[log.pk]),
                           {"decision": "return", "comment": "  "}, follow=True)

    assert "Say what needs fixing" in messages_of(response)
    log.refresh_from_db()
    assert log.status == "submitted"


def test_k21_a_returned_log_carries_the_reason_back_to_the_manager(client, manager, supervisor):
    log = monthly_log_submit(author=manager, month=this_month(), by=manager)
    client.force_login(supervisor)
    client.post(reverse("visits:sign-off-decide", args=[log.pk]),
                {"decision": "return", "comment": "Name the contacts you met."})

    client.force_login(manager)
    review = client.get(reverse("visits:sign-off-review", args=[log.pk]))

    assert review.context["log"].status == "returned" and not review.context["can_decide"]
    assert "Name the contacts you met." in html_of(review)


def test_k21_submitting_the_same_month_twice_shows_an_error(client, manager):
    client.force_login(manager)
    client.post(reverse("visits:sign-off-submit"), {"month": f"{this_month():%Y-%m}", "confirmed": "1"})

    response = client.post(reverse("visits:sign-off-submit"), {"month": f"{this_month():%Y-%m}"}, follow=True)

    assert "already" in messages_of(response)
    assert SignOffEvent.objects.filter(kind="submitted").count() == 1


def test_k21_an_outsider_neither_sees_nor_decides_the_log(client, manager, outsider, other_team):
    log = monthly_log_submit(author=manager, month=this_month(), by=manager)

    for user in (outsider, other_team.supervisor):
        client.force_login(user)
        assert client.get(reverse("visits:sign-off-review", args=[log.pk])).status_code == 404
        assert client.post(reverse("visits:sign-off-decide", args=[log.pk]),
                           {"decision": "approve"}).status_code == 404
        assert log not in client.get(reverse("visits:sign-off")).context["pending"]
    log.refresh_from_db()
    assert log.status == "submitted"


# --- Query counts: pages cost the same with 3 visits or 100 ------------------------------

# Every request: the session and the user (the session's sliding expiry is pushed once a minute:
# core.middleware.SessionMiddleware). Beyond those:
QUERY_BOUNDS = {
    # (as li) count, recent overlaps with both authors and the contact, one page of
    # visits with account and author, their contacts
    "visits:list": 10,  # +1: the bell's unread COUNT (issue 18)
    # (as li) the visit with account and author's team, is the month locked, its issues
    # with owners, their updates with authors, contacts, supervisor's comments, overlaps;
    # preparation panel: may li plan here, the linked preparation, its questions or the candidates
    # +1: the bell's unread COUNT (issue 18); +2: its changes and the month's last reopening (issue 23)
    # +1: the photos and files panel (issue 20: the visit's files; whether li may change them is can_edit)
    "visits:detail": 19,
    # (as wang) count, one page of issues with account and owner
    "visits:issues": 8,  # +1: the bell's unread COUNT (issue 18)
    # (as wang) visits per month, my logs, logs waiting for me, my team's logs
    "visits:sign-off": 10,  # +1: the bell's unread COUNT (issue 18)
    # (as wang) the log with author's team and decider, comments with their authors,
    # visits with accounts, their contacts, their issues, the trail with its people
    "visits:sign-off-review": 13,  # +1: the bell's unread COUNT (issue 18); +1: visits per week (issue 19)
}


def fill(account, manager, teammate, log, big, n):
    """n more visits of li's month, each with a contact, an issue and its update, a
    comment and an overlap; and n more contacts, issues and overlaps on `big`."""
    start = timezone.localtime().replace(day=1, hour=9, minute=0, second=0, microsecond=0)
    for i in range(n):
        contact = ContactFactory(account=account)
        visit = VisitFactory(account=account, author=manager, occurred_at=start + timedelta(minutes=i),
                             contacts=[contact])
        issue = CustomerIssueFactory(visit=visit, due_at=timezone.now() + timedelta(hours=i % 30 - 5))
        IssueUpdate.objects.create(issue=issue, by=manager, status="open")
        VisitComment.objects.create(log=log, visit=visit, by=log.author.team.supervisor, text="Fine.")
        big.contacts.add(contact)
        IssueUpdate.objects.create(issue=CustomerIssueFactory(visit=big), by=manager, status="open")
        theirs = VisitFactory(account=account, author=teammate, occurred_at=start, contacts=[contact])
        OverlapAlert.objects.create(visit=big, other_visit=theirs, contact=contact)


@pytest.mark.parametrize("url_name", QUERY_BOUNDS)
def test_visit_pages_cost_a_fixed_number_of_queries(client, manager, teammate, supervisor, account, url_name,
                                                    django_assert_max_num_queries):
    big = log_visit(account, manager, issues=[{"kind": "complaint", "description": "Late parts."}])
    log = monthly_log_submit(author=manager, month=this_month(), by=manager)
    fill(account, manager, teammate, log, big, 2)
    client.force_login(supervisor if url_name in ("visits:issues", "visits:sign-off", "visits:sign-off-review")
                       else manager)
    url = reverse(url_name, args={"visits:detail": [big.pk], "visits:sign-off-review": [log.pk]}.get(url_name, []))
    if url_name == "visits:issues":
        url += "?show=all"
    if url_name == "visits:sign-off-review":
        url += "?week=all"  # the whole month at once: the dearest way to read it

    with django_assert_max_num_queries(QUERY_BOUNDS[url_name]):
        small = client.get(url)
    fill(account, manager, teammate, log, big, 98)
    with django_assert_max_num_queries(QUERY_BOUNDS[url_name]):
        large = client.get(url)

    assert small.status_code == large.status_code == 200
    if url_name == "visits:list":
        assert large.context["page_obj"].paginator.count > 100
    if url_name == "visits:sign-off-review":
        assert len(large.context["rows"]) == 101


def test_k20_logging_a_visit_costs_a_fixed_number_of_queries(client, manager, teammate, account, contacts,
                                                             django_assert_max_num_queries,
                                                             django_assert_num_queries):
    """Issue 19: the visit POST at ≤ 15 queries however much history lies behind its contacts,
    with two contacts, a complaint and the one-time key. A visit that meets a colleague's (K-24)
    costs its alert and two notifications on top, pinned too."""
    import uuid

    for _ in range(30):  # history behind the contacts costs no query more
        VisitFactory(account=account, author=manager, occurred_at=timezone.now() - timedelta(days=40),
                     contacts=list(contacts))
    client.force_login(manager)
    client.get(reverse("home"))  # the session's expiry was just pushed: not this request's cost

    def post():
        return client.post(reverse("visits:create"), visit_form(
            account, contacts=[c.pk for c in contacts], create_key=str(uuid.uuid4()),
            **{"issues-0-kind": "complaint", "issues-0-description": "Spare parts arrive late."}))

    # session, user; the form: the account in scope, the contacts offered (the field settings are
    # read only when a position is posted or the form shown again); the one-time key's claim in its
    # transaction (savepoint, insert) and its object noted (update, release); the visit (no
    # savepoint of its own inside the key's transaction; a locked month is the trigger's refusal),
    # its history row, its contacts, the deadline rules and the webhooks (every kind) in one
    # statement, read once for the request (core.request_cache), the issue and its first update,
    # the account's touch count, silence and degree of contact (one statement), the colleagues'
    # visits near it. 17 here; 15 as served, where the key's transaction is the outermost (BEGIN and
    # COMMIT, no SAVEPOINT statements; the test runs inside a transaction of its own), 12 without
    # an issue. (22 before issue 19's second pass: the savepoint pair, the field settings, the
    # deadline rule and the webhooks of each kind apart.)
    with django_assert_num_queries(17):
        assert post().status_code == 302

    account.memberships.create(user=teammate)
    VisitFactory(account=account, author=teammate, occurred_at=timezone.now() - timedelta(days=1),
                 contacts=[contacts[0]])
    # + the pairs locked, already told, the alert made and read back; each of the two managers
    # notified (savepoint, in-app row, release), the colleague's e-mail (preferences, quiet hours,
    # the outbox row)
    with django_assert_max_num_queries(35):
        assert post().status_code == 302
    assert OverlapAlert.objects.count() == 1


def test_k21_the_supervisor_reads_a_month_a_week_at_a_time_and_a_comment_returns_to_its_week(
        client, manager, supervisor):
    account = AccountFactory(owner=manager)
    at = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)  # Wed 18 March 2026
    early = [VisitFactory(account=account, author=manager, occurred_at=at.replace(day=d), purpose=f"Early {d}")
             for d in (2, 3)]
    late = VisitFactory(account=account, author=manager, occurred_at=at.replace(day=17), purpose="Late 17")
    log = monthly_log_submit(author=manager, month=this_month(), by=manager)
    client.force_login(supervisor)
    url = reverse("visits:sign-off-review", args=[log.pk])

    first = client.get(url)
    weeks = {w.key: w.visits for w in first.context["weeks"]}
    assert weeks == {"2026-02-23": 0, "2026-03-02": 2, "2026-03-09": 0, "2026-03-16": 1, "2026-03-23": 0,
                     "2026-03-30": 0}
    assert first.context["week"].key == "2026-03-02"  # the first week with visits
    assert [v.pk for v, _comment, _late in first.context["rows"]] == [v.pk for v in early]
    assert "3 visits this month" in html_of(first) and "3/1–3/1" in html_of(first) and "3/30–3/31" in html_of(first)

    assert [v.pk for v, _c, _late in client.get(url, {"week": "2026-03-16"}).context["rows"]] == [late.pk]
    assert len(client.get(url, {"week": "all"}).context["rows"]) == 3
    assert client.get(url, {"week": "2026-13-99"}).context["week"].key == "2026-03-02"  # nonsense: the default
    assert "No visits were logged this week." in html_of(client.get(url, {"week": "2026-03-09"}))

    saved = client.post(reverse("visits:sign-off-comment", args=[log.pk, late.pk]), {"text": "Who attended?"})
    assert saved.url == f"{url}?week=2026-03-16#visit-{late.pk}"
