"""My calendar feed (issue 9, part 5): a secret, revocable iCal link to my open care
tasks (K-44), the customer issues I follow through (K-22) and the after-sales
follow-ups of my accounts (K-26) and the visits I planned (K-09), each an all-day event on its due day, in my
language, readable by a calendar app that cannot log in."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from care.models import CareTask
from feeds.models import CalendarFeedToken
from feeds.services import calendar_feed_token_issue
from tests.factories import AccountFactory, ContactFactory, OpportunityFactory, OrderFactory, stage
from visits.models import AfterSalesStep
from visits.services import visit_log

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_day")]  # tests/clock.py


@pytest.fixture
def haier(manager):
    return AccountFactory(owner=manager, name="Haier")


def task(account, title, due_on=None, **fields):
    return CareTask.objects.create(kind="custom", account=account, owner=account.owner, occasion=title, title=title,
                                   due_on=due_on or timezone.localdate() + timedelta(days=2), **fields)


def complaint(account, description="The invoice is wrong"):
    visit = visit_log(account=account, by=account.owner, channel="phone", purpose="p", summary="s",
                      issues=[{"kind": "complaint", "description": description}])
    return visit.issues.get()


def step(account, kind="start_letter"):
    return AfterSalesStep.objects.create(order=OrderFactory(account=account), account=account, kind=kind,
                                         due_at=timezone.now() + timedelta(days=1))


def planned(account, on, **fields):
    from plans.models import PlannedVisit

    return PlannedVisit.objects.create(account=account, owner=account.owner, created_by=account.owner,
                                       month=on.replace(day=1), planned_on=on, topics="Next year's volumes", **fields)


def fetch(client, token):
    response = client.get(reverse("feeds:feed", args=[token.secret]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def events(feed):
    return {str(event["UID"]): event for event in feed.walk("VEVENT")}


def test_my_feed_lists_my_open_care_tasks_issues_and_after_sales_steps(client, manager, teammate, outsider, haier):
    call = task(haier, "Call Mr Zhou")
    task(haier, "Already done", status="done", done_at=timezone.now())
    issue = complaint(haier)
    letter = step(haier)
    task(AccountFactory(owner=teammate), "Chen's task")
    complaint(AccountFactory(owner=outsider), "Not mine")
    token = calendar_feed_token_issue(user=manager)

    found = events(fetch(client, token))  # no login: a calendar app cannot log in

    assert set(found) == {f"care-task-{call.pk}@kam-crm", f"customer-issue-{issue.pk}@kam-crm",
                          f"after-sales-{letter.pk}@kam-crm"}
    event = found[f"care-task-{call.pk}@kam-crm"]
    assert str(event["SUMMARY"]) == "Call Mr Zhou"
    assert event.decoded("DTSTART") == call.due_on and event.decoded("DTEND") == call.due_on + timedelta(days=1)
    assert type(event.decoded("DTSTART")) is date  # all day: a due date, not an appointment
    assert event.decoded("DTSTAMP").tzinfo is not None
    assert str(event["URL"]) == f"http://testserver{reverse('care:home')}#task-{call.pk}"
    reply = found[f"customer-issue-{issue.pk}@kam-crm"]
    assert str(reply["SUMMARY"]) == "Reply due: Complaint from Haier"
    assert reply.decoded("DTSTART") == timezone.localdate(issue.due_at)
    assert str(reply["URL"]).endswith(f"{reverse('visits:detail', args=[issue.visit_id])}#issue-{issue.pk}")
    assert "The invoice is wrong" in str(reply["DESCRIPTION"])
    assert str(found[f"after-sales-{letter.pk}@kam-crm"]["SUMMARY"]) == "Service-start letter, ERP licence: Haier"


def test_my_planned_visits_are_in_the_feed_until_they_are_logged(client, manager, teammate, haier):
    soon = timezone.localdate() + timedelta(days=3)
    upcoming = planned(haier, soon, objective="Agree the pilot")
    held = planned(haier, soon, visit=visit_log(account=haier, by=manager, channel="on_site", purpose="p",
                                                summary="s"))
    planned(haier, timezone.localdate() - timedelta(days=1))  # in the past
    planned(AccountFactory(owner=teammate), soon)  # someone else's
    token = calendar_feed_token_issue(user=manager)

    found = events(fetch(client, token))

    assert set(found) == {f"planned-visit-{upcoming.pk}@kam-crm"}
    event = found[f"planned-visit-{upcoming.pk}@kam-crm"]
    assert str(event["SUMMARY"]) == "Visit: Haier" and event.decoded("DTSTART") == soon
    assert "Agree the pilot" in str(event["DESCRIPTION"])
    assert str(event["URL"]).endswith(upcoming.get_absolute_url())
    assert held.visit_id


def test_the_uids_stay_the_same_from_one_fetch_to_the_next(client, manager, haier):
    task(haier, "Call")
    complaint(haier)
    token = calendar_feed_token_issue(user=manager)
    assert set(events(fetch(client, token))) == set(events(fetch(client, token)))


def test_the_summaries_are_in_the_owners_language(client, manager, haier):
    manager.language = "zh-hans"
    manager.save()
    zhou = ContactFactory(account=haier, name="周先生")
    CareTask.objects.create(kind="birthday", account=haier, contact=zhou, owner=manager, occasion="2026",
                            due_on=timezone.localdate())
    complaint(haier)
    token = calendar_feed_token_issue(user=manager)

    summaries = sorted(str(e["SUMMARY"]) for e in fetch(client, token).walk("VEVENT"))

    assert summaries == ["一对一生日电话：周先生", "回复期限：来自 Haier 的投诉"]


def test_an_unknown_or_revoked_link_is_not_found(client, manager, haier):
    old = calendar_feed_token_issue(user=manager)
    new = calendar_feed_token_issue(user=manager)  # a new link revokes the old one

    assert client.get(reverse("feeds:feed", args=[old.secret])).status_code == 404
    assert client.get(reverse("feeds:feed", args=["not-a-secret"])).status_code == 404
    fetch(client, new)
    client.force_login(manager)
    client.post(reverse("feeds:revoke"))
    client.logout()
    assert client.get(reverse("feeds:feed", args=[new.secret])).status_code == 404


def test_a_deactivated_persons_link_stops_working(client, manager):
    token = calendar_feed_token_issue(user=manager)
    manager.is_active = False
    manager.save()
    assert client.get(reverse("feeds:feed", args=[token.secret])).status_code == 404


def test_the_feed_answers_only_reads(client, manager):
    token = calendar_feed_token_issue(user=manager)
    assert client.post(reverse("feeds:feed", args=[token.secret])).status_code == 405


def test_the_secret_is_long_random_and_unique(manager, teammate):
    secrets = {calendar_feed_token_issue(user=user).secret for user in (manager, teammate)}
    assert len(secrets) == 2 and all(len(secret) >= 43 for secret in secrets)


def test_the_feed_costs_the_same_queries_however_many_items(client, manager, haier, django_assert_num_queries):
    token = calendar_feed_token_issue(user=manager)
    task(haier, "Call 0")
    complaint(haier)
    step(haier)
    # The token with its person, then one query per source: care tasks, issues, after-sales steps, planned visits,
    # opportunities' dates.
    with django_assert_num_queries(6):
        fetch(client, token)
    for n in range(1, 11):
        task(haier, f"Call {n}")
        complaint(haier)
        step(haier, kind="value_review" if n % 2 else "usage_guidance")
        planned(haier, timezone.localdate() + timedelta(days=n))
        OpportunityFactory(account=haier, bid_deadline=timezone.localdate() + timedelta(days=n),
                           expected_close=timezone.localdate() + timedelta(days=30 + n))
    with django_assert_num_queries(6):
        assert len(fetch(client, token).walk("VEVENT")) == 63


def test_x03_my_bid_deadlines_and_expected_closes_are_in_my_feed_until_submitted_or_closed(client, manager,
                                                                                           teammate, haier):
    token = calendar_feed_token_issue(user=manager)
    day = timezone.localdate()
    tender = OpportunityFactory(account=haier, name="产线改造", stage=stage("Tender"), tender_agency="华东招标中心",
                                bid_deadline=day + timedelta(days=5), expected_close=day + timedelta(days=40))
    OpportunityFactory(account=haier, owner=teammate, expected_close=day + timedelta(days=9))  # not mine
    OpportunityFactory(account=haier, stage=stage("Won"), expected_close=day + timedelta(days=3))  # closed

    found = events(fetch(client, token))
    bid, close = f"opportunity-{tender.pk}-bid@kam-crm", f"opportunity-{tender.pk}-close@kam-crm"
    assert {uid for uid in found if uid.startswith("opportunity-")} == {bid, close}
    assert str(found[bid]["SUMMARY"]) == "Bid deadline: 产线改造, Haier"
    assert found[bid]["DTSTART"].dt == day + timedelta(days=5)

    tender.bid_submitted_on = day
    tender.save()
    assert bid not in events(fetch(client, token))


# --- The page -----------------------------------------------------------------------------------------


def test_the_page_makes_my_first_link_and_shows_it(client, manager):
    client.force_login(manager)
    assert b"You have no calendar link." in client.get(reverse("feeds:page")).content

    page = client.post(reverse("feeds:page"), follow=True)

    token = CalendarFeedToken.objects.get(user=manager)
    assert f'value="http://testserver/calendar/feed/{token.secret}.ics"' in page.content.decode()


def test_a_new_link_and_turning_it_off_are_confirmed_first(client, manager):
    token = calendar_feed_token_issue(user=manager)
    client.force_login(manager)

    for name in ("feeds:regenerate", "feeds:revoke"):
        confirm = client.get(reverse(name))
        assert confirm.status_code == 200 and b'method="post"' in confirm.content
        assert CalendarFeedToken.objects.get(user=manager).secret == token.secret

    client.post(reverse("feeds:regenerate"))
    assert CalendarFeedToken.objects.get(user=manager).secret != token.secret
    client.post(reverse("feeds:revoke"))
    assert not CalendarFeedToken.objects.filter(user=manager).exists()


def test_the_page_shows_only_my_own_link(client, manager, teammate):
    mine = calendar_feed_token_issue(user=manager)
    client.force_login(teammate)

    page = client.get(reverse("feeds:page")).content.decode()

    assert mine.secret not in page
    client.post(reverse("feeds:revoke"))  # revokes the teammate's (none), never li's
    assert CalendarFeedToken.objects.filter(pk=mine.pk).exists()
