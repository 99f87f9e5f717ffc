"""Issue 23: a file added on an account, on one of its contacts, visits or plans is an entry of
the account's timeline (a contact's also of the contact's): who added it, when, its name, a link
to it and its preview. Seen by who sees the record (a plan's only by the account team), at a
fixed number of queries however many files there are; a merge brings the duplicate's files along."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from attachments.models import Attachment
from attachments.services import attachment_add
from hub.merge import accounts_merge
from plans.services import plan_create
from tests.attachments import pdfs
from tests.clock import DAY
from tests.factories import AccountFactory, ContactFactory
from tests.visits.factories import VisitFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_day", "media")]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def account(manager):
    return AccountFactory(owner=manager, name="东方电子")


def pdf(name):
    return SimpleUploadedFile(name, pdfs.one_page(), content_type="application/pdf")


@pytest.fixture
def files(account, manager):
    """A file on each kind of record, in this order: the account's, a contact's, a visit's, the plan's."""
    records = {"account": account, "contact": ContactFactory(account=account, name="王芳"),
               "visit": VisitFactory(account=account, author=manager, purpose="续约"),
               "plan": plan_create(account=account, by=manager, year=DAY.year, vision="战略伙伴")}
    added = {}
    for kind, record in records.items():
        added[kind] = attachment_add(record=record, by=manager, upload=pdf(f"{kind}.pdf"))
    return records, added


def file_entries(client, url):
    page = client.get(url)
    assert page.status_code == 200
    return [e for e in page.context["entries"] if e.kind == "file"], page.content.decode()


def test_every_file_of_the_account_is_on_its_timeline_with_who_when_and_a_link(client, manager, account, files):
    records, added = files
    client.force_login(manager)
    entries, html = file_entries(client, reverse("hub:account-timeline", args=[account.pk]))
    assert [e.title for e in entries] == ["File added: plan.pdf", "File added: visit.pdf",
                                          "File added: contact.pdf", "File added: account.pdf"]
    newest = entries[0]
    assert newest.actor == manager and newest.at == added["plan"].uploaded_at
    assert newest.link == reverse("attachments:file", args=[added["plan"].pk])
    assert newest.text.startswith("on the account plan") and entries[1].text.startswith("on a visit")
    assert reverse("attachments:thumbnail", args=[added["visit"].pk]) in html  # the first page, small
    assert f'href="{newest.link}"' in html


def test_a_contacts_timeline_shows_the_contacts_files(client, manager, files):
    records, _added = files
    client.force_login(manager)
    entries, _html = file_entries(client, reverse("hub:contact-timeline", args=[records["contact"].pk]))
    assert [e.title for e in entries] == ["File added: contact.pdf"]


def test_filtered_to_files(client, manager, account, files):
    client.force_login(manager)
    page = client.get(reverse("hub:account-timeline", args=[account.pk]), {"kind": "file"})
    assert {e.kind for e in page.context["entries"]} == {"file"} and len(page.context["entries"]) == 4


def test_a_colleague_sees_no_plan_file_and_an_outsider_nothing(client, teammate, outsider, account, files):
    records, added = files
    client.force_login(teammate)
    entries, html = file_entries(client, reverse("hub:account-timeline", args=[account.pk]))
    assert "File added: plan.pdf" not in [e.title for e in entries] and len(entries) == 3
    assert reverse("attachments:file", args=[added["plan"].pk]) not in html
    client.force_login(outsider)
    assert client.get(reverse("hub:account-timeline", args=[account.pk])).status_code == 404
    assert client.get(reverse("hub:contact-timeline", args=[records["contact"].pk])).status_code == 404
    assert client.get(reverse("attachments:file", args=[added["account"].pk])).status_code == 404


def test_the_timelines_queries_stay_the_same_with_many_files(client, manager, account, files,
                                                            django_assert_num_queries):
    records, _added = files
    client.force_login(manager)
    url = reverse("hub:account-timeline", args=[account.pk])
    client.get(reverse("home"))  # the session's expiry was just pushed: not the timeline's cost
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(25):
        attachment_add(record=records["visit" if n % 2 else "contact"], by=manager, upload=pdf(f"scan{n}.pdf"))
    # session, user, the account (scope and edit flag), 14 windows (one of them the files, whatever
    # they are on), the comments' mentions, the bell, the comment thread: the same with 29 files.
    with django_assert_num_queries(len(few)):
        page = client.get(url)
    assert len([e for e in page.context["entries"] if e.kind == "file"]) == 20  # a page's worth, no more
    assert len(few) <= 21


def test_a_merged_accounts_files_come_to_the_survivors_timeline(client, manager, account, files):
    survivor = AccountFactory(owner=manager, name="东方电子 ")
    accounts_merge(survivor=survivor, duplicate=account, by=manager)
    assert Attachment.objects.filter(account_id=survivor.pk).count() == 4
    client.force_login(manager)
    entries, _html = file_entries(client, reverse("hub:account-timeline", args=[survivor.pk]))
    assert len(entries) == 4
