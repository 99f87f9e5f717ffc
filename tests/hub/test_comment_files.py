"""Issue 23: a comment may bring files. They are attached to what the comment is on (the
account, a visit, a plan), so its files panel and timeline show them beside the comment; only
where its writer may add files (the account team, a visit's author), and the comment and its
files are kept together or not at all."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from attachments.models import Attachment
from hub.models import Comment
from hub.services import comment_post
from notifications.models import Notification
from tests.attachments import pdfs
from tests.factories import AccountFactory
from tests.visits.factories import CustomerIssueFactory, VisitFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_day", "media")]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def account(manager):
    return AccountFactory(owner=manager, name="东方电子")


def pdf(name="报价单.pdf", data=None):
    return SimpleUploadedFile(name, data or pdfs.one_page("Quote"), content_type="application/pdf")


def post(client, on, pk, **data):
    return client.post(reverse("hub:comments", args=[on, pk]), data)


def test_the_manager_replies_with_a_quote_and_the_timeline_shows_both(client, supervisor, manager, account):
    asked = comment_post(by=supervisor, target=account, body=f"@{manager.username} 报价发了吗?")
    client.force_login(manager)
    thread = client.get(reverse("hub:comments", args=["account", account.pk])).content.decode()
    assert 'enctype="multipart/form-data"' in thread and 'name="files"' in thread
    answer = post(client, "account", account.pk, body="发了，见附件。", reply_to=asked.pk, files=[pdf()])
    assert answer.status_code == 302
    reply = Comment.objects.get(reply_to=asked)
    quote = Attachment.objects.of(account).get()
    assert quote.original_name == "报价单.pdf" and quote.uploaded_by == manager and quote.thumbnail
    assert Notification.objects.filter(recipient=supervisor).exists()  # the reply tells who asked

    client.force_login(supervisor)
    timeline = client.get(reverse("hub:account-timeline", args=[account.pk]))
    kinds = [(e.kind, e.pk) for e in timeline.context["entries"]]
    assert ("comment", reply.pk) in kinds and ("file", quote.pk) in kinds
    assert "File added: 报价单.pdf" in timeline.content.decode()


def test_a_colleague_who_may_not_change_the_account_comments_without_files(client, teammate, account):
    client.force_login(teammate)
    thread = client.get(reverse("hub:comments", args=["account", account.pk])).content.decode()
    assert 'name="files"' not in thread
    answer = post(client, "account", account.pk, body="我也看看", files=[pdf()])
    assert answer.status_code == 200 and "You cannot add files here." in answer.content.decode()
    assert not Comment.objects.exists() and not Attachment.objects.exists()  # neither is kept


def test_a_wrong_file_keeps_the_comment_back_and_says_why(client, manager, account):
    client.force_login(manager)
    word = SimpleUploadedFile("minutes.docx", b"PK\x03\x04 word", content_type="application/msword")
    answer = post(client, "account", account.pk, body="纪要", files=[word])
    assert answer.status_code == 200 and "is not a photo or a PDF" in answer.content.decode()
    assert not Comment.objects.exists() and not Attachment.objects.exists()


def test_a_broken_pdf_is_kept_with_its_comment_and_the_icon(client, manager, account):
    client.force_login(manager)
    assert post(client, "account", account.pk, body="扫描件", files=[pdf(data=b"%PDF-1.4 torn")]).status_code == 302
    assert Comment.objects.count() == 1 and not Attachment.objects.get().thumbnail


def test_an_issue_takes_no_files_but_its_visit_does(client, manager, account):
    visit = VisitFactory(account=account, author=manager)
    issue = CustomerIssueFactory(visit=visit)
    client.force_login(manager)
    assert 'name="files"' not in client.get(reverse("hub:comments", args=["issue", issue.pk])).content.decode()
    assert post(client, "issue", issue.pk, body="x", files=[pdf()]).status_code == 200
    assert post(client, "visit", visit.pk, body="现场照片", files=[pdf()]).status_code == 302
    assert Attachment.objects.of(visit).count() == 1 and Comment.objects.count() == 1


def test_an_outsider_posts_nothing(client, outsider, account):
    client.force_login(outsider)
    assert post(client, "account", account.pk, body="hi", files=[pdf()]).status_code == 404
    assert not Comment.objects.exists() and not Attachment.objects.exists()
