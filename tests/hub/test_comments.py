"""Comments with @mentions on accounts, visits, issues and plans (issue 23 item 3, X-05): a mention
names only colleagues who may see the thing, tells them through the notification centre (in the
app, and by the channels they chose) exactly once, and nobody outside the scope reads a word."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.models import OutboxMessage
from hub.models import Comment
from hub.services import comment_post
from notifications.models import Notification
from plans.models import AccountPlan
from tests.factories import AccountFactory
from tests.visits.factories import CustomerIssueFactory, VisitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(manager):
    return AccountFactory(owner=manager, name="东方电子")


def test_a_supervisor_mentions_a_manager_who_is_told_once(client, supervisor, manager, account):
    client.force_login(supervisor)
    url = reverse("hub:comments", args=["account", account.pk])
    answer = client.post(url, {"body": f"@{manager.username} 续约谈到哪一步了?"})
    comment = Comment.objects.get()
    assert answer.status_code == 302 and answer["Location"].endswith(f"#comment-{comment.pk}")
    assert list(comment.mentioned.all()) == [manager]
    notice = Notification.objects.get(recipient=manager)
    assert notice.kind == "mention" and notice.link == comment.get_absolute_url()
    assert str(supervisor) in notice.text and "东方电子" in notice.text
    # E-mail is on by default for mentions: one outbox row, however often the page is sent again.
    assert OutboxMessage.objects.filter(dedupe_key__startswith=f"n:comment:{comment.pk}:mention").count() == 1


def test_the_notice_opens_the_thread_and_the_reply_tells_the_supervisor(client, supervisor, manager, account):
    asked = comment_post(by=supervisor, target=account, body=f"@{manager.username} 进展?")
    client.force_login(manager)
    notice = Notification.objects.get(recipient=manager)
    opened = client.get(reverse("notifications:open", args=[notice.pk]), follow=True)
    assert "进展?" in opened.content.decode()
    client.post(reverse("hub:comments", args=["account", account.pk]), {"body": "下周签", "reply_to": asked.pk})
    reply = Comment.objects.get(body="下周签")
    assert reply.reply_to == asked
    told = Notification.objects.get(recipient=supervisor)
    assert told.message_key == "comment.reply"


def test_only_colleagues_who_may_see_it_can_be_mentioned(client, manager, outsider, account):
    client.force_login(manager)
    page = client.post(reverse("hub:comments", args=["account", account.pk]),
                       {"body": f"@{outsider.username} 你看看"})
    assert page.status_code == 200  # the form again, the text kept, the refusal by the field
    assert f"@{outsider.username}" in page.context["form"]["body"].value()
    assert page.context["form"].errors["body"]
    assert not Comment.objects.exists() and not Notification.objects.exists()


def test_the_autocomplete_offers_only_the_audience(client, manager, teammate, supervisor, outsider, account):
    client.force_login(manager)
    people = client.get(reverse("hub:mention-options", args=["account", account.pk])).json()["people"]
    names = {p["username"] for p in people}
    assert {teammate.username, supervisor.username} <= names
    assert outsider.username not in names and manager.username not in names
    found = client.get(reverse("hub:mention-options", args=["account", account.pk]), {"q": "che"}).json()
    assert [p["username"] for p in found["people"]] == [teammate.username]


def test_a_plan_is_the_account_teams_so_a_colleague_cannot_be_mentioned_on_it(manager, teammate, account):
    plan = AccountPlan.objects.create(account=account, year=2026, vision="v", created_by=manager)
    with pytest.raises(ValidationError):
        comment_post(by=manager, target=plan, body=f"@{teammate.username} look")
    comment_post(by=manager, target=account, body=f"@{teammate.username} look")  # the account they see


@pytest.mark.parametrize("on", ["account", "visit", "issue", "plan"])
def test_an_outsider_reads_and_writes_no_comment_anywhere(client, manager, outsider, account, on):
    visit = VisitFactory(account=account, author=manager)
    issue = CustomerIssueFactory(visit=visit)
    plan = AccountPlan.objects.create(account=account, year=2026, vision="v", created_by=manager)
    target = {"account": account, "visit": visit, "issue": issue, "plan": plan}[on]
    secret = comment_post(by=manager, target=target, body="内部的话")
    client.force_login(outsider)
    for url in (reverse("hub:comments", args=[on, target.pk]), reverse("hub:mention-options", args=[on, target.pk])):
        assert client.get(url).status_code == 404
        assert client.post(url, {"body": "hi"}).status_code == 404
    assert client.post(reverse("hub:comment-delete", args=[secret.pk])).status_code == 404
    assert Comment.objects.count() == 1


def test_an_unknown_kind_of_thread_is_404(client, manager, account):
    client.force_login(manager)
    assert client.get(reverse("hub:comments", args=["contact", account.pk])).status_code == 404


def test_the_thread_page_reads_in_a_fixed_number_of_queries(client, manager, teammate, account,
                                                            django_assert_max_num_queries):
    for n in range(8):
        comment_post(by=manager, target=account, body=f"@{teammate.username} 第{n}条")
    client.force_login(manager)
    # session, user, the account, the comments with their authors, their mentions, the bell,
    # the session's refresh (3)
    with django_assert_max_num_queries(9):
        page = client.get(reverse("hub:comments", args=["account", account.pk]))
    assert page.content.decode().count('class="mention"') == 8


def test_only_the_author_deletes_a_comment(client, manager, teammate, account):
    comment = comment_post(by=manager, target=account, body="mine")
    client.force_login(teammate)
    assert client.post(reverse("hub:comment-delete", args=[comment.pk])).status_code == 403
    client.force_login(manager)
    client.post(reverse("hub:comment-delete", args=[comment.pk]))
    assert not Comment.objects.exists()
