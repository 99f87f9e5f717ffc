"""Issue 23, item 2: contracts, minutes and photos on accounts, contacts and annual plans, through
the same files panel and views as a visit's (issue 20). A file is seen by whoever sees its record
(the account's scope, K-05; a plan's team and supervisor) and is a 404 to anyone else, thumbnail
included; it is added and removed, after confirming, by who may change the record."""

import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from attachments.models import Attachment
from hub.merge import accounts_merge, contacts_merge
from plans.services import plan_create
from tests.attachments.test_visit_files import photo
from tests.clock import DAY
from tests.factories import AccountFactory, ContactFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_day", "media")]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def account(manager):
    return AccountFactory(owner=manager, name="Haier")


@pytest.fixture
def records(account, manager):
    """One record of each kind, all on the manager's account."""
    return {"account": account, "contact": ContactFactory(account=account, name="王芳"),
            "plan": plan_create(account=account, by=manager, year=DAY.year, vision="Become their MES partner")}


KINDS = ["account", "contact", "plan"]


def pdf(name="contract.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.7\n...", content_type="application/pdf")


def add(client, kind, record, **files):
    return client.post(reverse("attachments:add", args=[kind, record.pk]), files)


def text(response):
    return response.content.decode().replace("&ldquo;", "“").replace("&rdquo;", "”").replace("\xa0", " ")


@pytest.mark.parametrize("kind", KINDS)
def test_the_account_team_attaches_a_contract_and_a_photo_and_reads_them_on_the_page(
        client, manager, supervisor, records, kind):
    record = records[kind]
    client.force_login(manager)
    response = add(client, kind, record, photos=[photo("minutes.jpg")], files=[pdf()])
    assert response["Location"] == f"{record.get_absolute_url()}#attachments"
    image, document = Attachment.objects.of(record).order_by("pk")
    assert image.is_image and image.thumbnail and document.mime_type == "application/pdf"

    for reader in (manager, supervisor):
        client.force_login(reader)
        page = text(client.get(record.get_absolute_url()))
        panel = page.split('id="attachments"')[1].split("</section>")[0]
        assert reverse("attachments:thumbnail", args=[image.pk]) in panel  # a photo shows its thumbnail
        assert "contract.pdf" in panel and ">PDF<" in panel  # a PDF shows an icon
        assert reverse("attachments:delete", args=[document.pk]) in panel
        served = client.get(reverse("attachments:file", args=[document.pk]))
        assert served.status_code == 200 and served["Content-Type"] == "application/pdf"
        assert b"".join(served.streaming_content) == b"%PDF-1.7\n..."
        assert client.get(reverse("attachments:thumbnail", args=[image.pk]))["Content-Type"] == "image/jpeg"


@pytest.mark.parametrize("kind", KINDS)
def test_an_outsider_gets_404_for_another_teams_files_thumbnails_upload_and_delete(
        client, manager, outsider, records, kind):
    record = records[kind]
    client.force_login(manager)
    add(client, kind, record, photos=[photo()])
    attachment = Attachment.objects.of(record).get()
    client.force_login(outsider)
    for url in (reverse("attachments:file", args=[attachment.pk]),
                reverse("attachments:thumbnail", args=[attachment.pk]),
                reverse("attachments:delete", args=[attachment.pk]),
                reverse("attachments:add", args=[kind, record.pk])):
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
    assert add(client, kind, record, photos=[photo()]).status_code == 404
    assert Attachment.objects.count() == 1


@pytest.mark.parametrize("kind", ["account", "contact"])
def test_a_teammate_reads_the_files_of_a_team_account_but_changes_none(client, manager, teammate, records, kind):
    record = records[kind]
    client.force_login(manager)
    add(client, kind, record, files=[pdf()])
    attachment = Attachment.objects.of(record).get()
    client.force_login(teammate)
    page = text(client.get(record.get_absolute_url()))
    panel = page.split('id="attachments"')[1].split("</section>")[0]
    assert "contract.pdf" in panel and "Choose photos or files" not in panel and "Remove" not in panel
    assert client.get(reverse("attachments:file", args=[attachment.pk])).status_code == 200
    assert add(client, kind, record, files=[pdf("mine.pdf")]).status_code == 403
    assert client.post(reverse("attachments:delete", args=[attachment.pk])).status_code == 403
    assert Attachment.objects.count() == 1


def test_a_plan_and_its_files_are_the_account_teams_only(client, manager, teammate, records):
    """A plan is the account team's working document (issue 10): a teammate outside the account
    team sees neither it nor its files."""
    plan = records["plan"]
    client.force_login(manager)
    add(client, "plan", plan, files=[pdf()])
    client.force_login(teammate)
    assert client.get(reverse("attachments:file", args=[Attachment.objects.get().pk])).status_code == 404


@pytest.mark.parametrize("kind", KINDS)
def test_a_wrong_type_or_size_is_refused_by_the_field_and_nothing_is_kept(client, settings, manager, records, kind):
    record = records[kind]
    client.force_login(manager)
    wrong = SimpleUploadedFile("minutes.docx", b"PK\x03\x04 a word file", content_type="application/msword")
    response = add(client, kind, record, files=[wrong])
    assert response.status_code == 400 and "invalid-feedback" in text(response)
    assert "“minutes.docx” is not a photo or a PDF" in text(response)

    settings.ATTACHMENTS_MAX_BYTES = 50_000
    response = add(client, kind, record, files=[photo("scan.png", size=(300, 300), fmt="PNG", noise=True)])
    assert response.status_code == 400 and "“scan.png” is" in text(response)
    assert "a file can be at most 48.8 KB" in text(response)
    assert not Attachment.objects.exists()


@pytest.mark.parametrize("kind", KINDS)
def test_a_file_is_removed_after_confirming(client, manager, records, kind, django_capture_on_commit_callbacks):
    record = records[kind]
    client.force_login(manager)
    add(client, kind, record, files=[pdf()])
    attachment = Attachment.objects.get()
    url = reverse("attachments:delete", args=[attachment.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200 and "Remove this file?" in text(confirm)
    assert Attachment.objects.exists()  # asking is not removing
    stored = attachment.file.path
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response["Location"] == f"{record.get_absolute_url()}#attachments"
    assert not Attachment.objects.exists() and not os.path.exists(stored)



@pytest.mark.parametrize("kind", KINDS)
def test_the_files_panel_costs_one_query_however_many_files(client, manager, records, kind):
    """The pages' pins (tests/accounts, tests/contacts, tests/plans) count the panel once: more
    files must not mean more queries."""
    record = records[kind]
    client.force_login(manager)
    add(client, kind, record, files=[pdf()])
    client.get(record.get_absolute_url())  # the session's first push out of the way
    with CaptureQueriesContext(connection) as one:
        client.get(record.get_absolute_url())
    add(client, kind, record, photos=[photo("a.jpg"), photo("b.jpg")], files=[pdf("b.pdf")])
    with CaptureQueriesContext(connection) as four:
        page = client.get(record.get_absolute_url())
    assert page.content.decode().count('class="attachment"') == 4
    assert len(four) == len(one)


def test_merging_duplicates_moves_their_files_to_the_survivor(client, manager, account):
    """Issue 23 item 7: every related record moves, files included (they name their record by type
    and id, not by a foreign key)."""
    duplicate = AccountFactory(owner=manager, name="Haier ")
    keep_contact = ContactFactory(account=account, name="王芳")
    dup_contact = ContactFactory(account=account, name="王 芳")
    client.force_login(manager)
    add(client, "account", duplicate, files=[pdf("account.pdf")])
    add(client, "contact", dup_contact, files=[pdf("contact.pdf")])
    accounts_merge(survivor=account, duplicate=duplicate, by=manager)
    contacts_merge(survivor=keep_contact, duplicate=dup_contact, by=manager)
    assert [a.original_name for a in Attachment.objects.of(account)] == ["account.pdf"]
    assert [a.original_name for a in Attachment.objects.of(keep_contact)] == ["contact.pdf"]
    assert "contact.pdf" in client.get(keep_contact.get_absolute_url()).content.decode()
