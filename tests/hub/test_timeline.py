"""The account and contact timeline (issue 23 item 1, X-05): everything that happened, newest
first, filterable by kind, paged by a keyset cursor at a fixed number of queries, profile edits
shown with field and choice labels in the reader's language."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from accounts.services import account_update
from care.models import CareTask, Gift
from contacts.models import PersonnelChange
from hub.services import comment_post
from hub.timeline import Cursor, account_sources, timeline_page
from tests.factories import AccountFactory, ContactFactory, OrderFactory
from tests.visits.factories import CustomerIssueFactory, VisitFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_day")]


@pytest.fixture
def account(manager):
    return AccountFactory(owner=manager, name="东方电子")


def everything(account, manager, contact):
    """One of each kind, a day apart, the newest last."""
    now = timezone.now()
    visit = VisitFactory(account=account, author=manager, occurred_at=now - timedelta(days=9), purpose="开年拜访")
    OrderFactory(account=account, signed_on=(now - timedelta(days=8)).date())
    CustomerIssueFactory(visit=visit, description="要备件价目表")
    CareTask.objects.create(kind="custom", account=account, contact=contact, owner=manager, occasion="o",
                            title="Call", due_on=now.date(), status="done", done_at=now - timedelta(days=6),
                            done_by=manager, outcome="聊得很好")
    Gift.objects.create(contact=contact, given_on=(now - timedelta(days=5)).date(), occasion="春节", gift="茶叶",
                        given_by=manager)
    PersonnelChange.objects.create(account=account, contact=contact, kind="title", before="经理", after="总监",
                                   recorded_by=manager)
    account_update(account=account, by=manager, relationship_style="personalised")
    comment_post(by=manager, target=account, body="下周一起去吗?")


def test_a_manager_reads_every_kind_newest_first_in_few_queries(client, manager, account,
                                                                 django_assert_max_num_queries):
    contact = ContactFactory(account=account)
    everything(account, manager, contact)
    client.force_login(manager)
    # session, user, the account (scope and edit flag), the 14 windows in one statement (13 kinds with
    # opportunities' steps and files, issues with their updates; core.batch, issue 19: they were 14)
    # and the comments' mentions, the bell, the comment thread and its mentions, the session's
    # refresh (3): never one per row.
    with django_assert_max_num_queries(11):
        page = client.get(reverse("hub:account-timeline", args=[account.pk]))
    kinds = [entry.kind for entry in page.context["entries"]]
    assert {"visit", "order", "issue", "care", "gift", "personnel", "profile", "comment"} <= set(kinds)
    times = [entry.at for entry in page.context["entries"]]
    assert times == sorted(times, reverse=True)
    assert "要备件价目表" in page.content.decode()


def test_the_query_count_does_not_grow_with_the_data(client, manager, account, django_assert_max_num_queries):
    contact = ContactFactory(account=account)
    everything(account, manager, contact)
    client.force_login(manager)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(reverse("home"))  # the session's expiry was just pushed: not the timeline's cost
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("hub:account-timeline", args=[account.pk]))
    for day in range(30):
        VisitFactory(account=account, author=manager, occurred_at=timezone.now() - timedelta(days=40 + day))
        comment_post(by=manager, target=account, body=f"第{day}条")
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("hub:account-timeline", args=[account.pk]))
    assert len(many) == len(few)


def test_profile_edits_read_in_the_readers_language(client, manager, account):
    account_update(account=account, by=manager, relationship_style="personalised", sentiment="neutral")
    client.force_login(manager)
    english = client.get(reverse("hub:account-timeline", args=[account.pk]) + "?kind=profile").content.decode()
    assert "Relationship style" in english and "Personalised" in english and "personalised<" not in english
    client.cookies["django_language"] = "zh-hans"
    with translation.override("zh-hans"):
        chinese = client.get(reverse("hub:account-timeline", args=[account.pk]) + "?kind=profile",
                             HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        assert str(translation.gettext("Personalised")) in chinese


def test_filter_by_kind_and_page_with_the_cursor(client, manager, account):
    for day in range(25):
        VisitFactory(account=account, author=manager, occurred_at=timezone.now() - timedelta(days=day),
                     purpose=f"visit {day}")
    comment_post(by=manager, target=account, body="not a visit")
    client.force_login(manager)
    url = reverse("hub:account-timeline", args=[account.pk])
    first = client.get(url + "?kind=visit")
    assert [e.kind for e in first.context["entries"]] == ["visit"] * 20
    cursor = first.context["page"].next_cursor
    second = client.get(url, {"kind": "visit", "before": str(cursor)})
    purposes = [e.title for e in first.context["entries"] + second.context["entries"]]
    assert purposes == [f"visit {day}" for day in range(25)]
    assert second.context["page"].next_cursor is None


def test_the_merge_never_skips_or_repeats_an_entry(manager, account):
    now = timezone.now()
    for n in range(12):
        VisitFactory(account=account, author=manager, occurred_at=now - timedelta(hours=2 * n))
        comment_post(by=manager, target=account, body=f"c{n}")
    sources = account_sources(account, manager)
    seen, cursor = [], None
    while True:
        page = timeline_page(sources, cursor=cursor, size=5)
        seen += [(e.kind, e.pk) for e in page.entries]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert len(seen) == len(set(seen)) == 12 + 12 + 1  # visits, comments, the account's creation


@pytest.mark.parametrize("bad", ["abc", "2026-01-01~x~1", "~~", "2026-01-01T00:00:00~1~1", "x" * 500])
def test_a_bad_cursor_is_the_first_page(client, manager, account, bad):
    assert Cursor.parse(bad) is None or bad.startswith("2026")
    client.force_login(manager)
    assert client.get(reverse("hub:account-timeline", args=[account.pk]), {"before": bad}).status_code == 200


def test_an_outsider_sees_no_timeline_and_a_colleague_no_plan_reviews(client, manager, teammate, outsider, account):
    from plans.models import AccountPlan, PlanReview

    plan = AccountPlan.objects.create(account=account, year=2026, vision="v", created_by=manager)
    PlanReview.objects.create(plan=plan, month=timezone.localdate().replace(day=1), note="on track", by=manager)
    comment_post(by=manager, target=plan, body="plan only")
    client.force_login(outsider)
    assert client.get(reverse("hub:account-timeline", args=[account.pk])).status_code == 404
    contact = ContactFactory(account=account)
    assert client.get(reverse("hub:contact-timeline", args=[contact.pk])).status_code == 404
    client.force_login(teammate)
    page = client.get(reverse("hub:account-timeline", args=[account.pk]))
    assert page.status_code == 200
    assert {e.kind for e in page.context["entries"]}.isdisjoint({"plan_review"})
    assert "plan only" not in page.content.decode()
    client.force_login(manager)
    mine = client.get(reverse("hub:account-timeline", args=[account.pk]))
    assert "plan_review" in {e.kind for e in mine.context["entries"]}


def test_a_contacts_timeline(client, manager, account, django_assert_max_num_queries):
    contact = ContactFactory(account=account, name="王芳")
    VisitFactory(account=account, author=manager, contacts=[contact], purpose="见王芳")
    Gift.objects.create(contact=contact, given_on=timezone.localdate(), occasion="生日", gift="花", given_by=manager)
    client.force_login(manager)
    # session, user, the contact, 7 kinds (files too) in one statement, the bell, the session's refresh (3)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("hub:contact-timeline", args=[contact.pk]))
    assert {"visit", "gift", "profile"} <= {e.kind for e in page.context["entries"]}
