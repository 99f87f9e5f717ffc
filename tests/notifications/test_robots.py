"""Issue 18, robot channels: WeCom group robot, DingTalk custom robot and Feishu custom bot, each
posted as its platform documents, signed where it signs, through the outbox; the admin's "send
test message" button. A local HTTP server plays each platform and checks shape and signature."""

import base64
import hashlib
import hmac
import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core import outbox
from core.models import OutboxMessage
from notifications.models import Kind, Robot
from notifications.services import notification_preferences_save, notify
from tests.receivers import HttpReceiver

pytestmark = pytest.mark.django_db
SECRET = "SEC0123456789abcdef"


def platform_answer(request):
    """What each platform answers: its success, or its documented error for a bad key or signature."""
    path, query, body = request["path"], request["query"], request["json"]
    if path == "/cgi-bin/webhook/send":  # WeCom
        if query.get("key") != "good-key":
            return 200, {"errcode": 93000, "errmsg": "invalid webhook url"}
        ok = body["msgtype"] == "markdown" and body["markdown"]["content"].startswith("**")
        return 200, {"errcode": 0 if ok else 40008, "errmsg": "ok" if ok else "invalid message type"}
    if path == "/robot/send":  # DingTalk: HMAC-SHA256(secret, "timestamp\nsecret"), base64, in the query
        expected = base64.b64encode(hmac.new(SECRET.encode(), f"{query.get('timestamp')}\n{SECRET}".encode(),
                                             hashlib.sha256).digest()).decode()
        fresh = abs(int(query.get("timestamp", 0)) - time.time() * 1000) < 3_600_000
        if query.get("sign") != expected or not fresh:
            return 200, {"errcode": 310000, "errmsg": "sign not match"}
        ok = body["msgtype"] == "markdown" and {"title", "text"} <= set(body["markdown"])
        return 200, {"errcode": 0 if ok else 40035, "errmsg": "ok"}
    if path.startswith("/open-apis/bot/v2/hook/"):  # Feishu: HMAC-SHA256 keyed "timestamp\nsecret", empty message
        expected = base64.b64encode(hmac.new(f"{body.get('timestamp')}\n{SECRET}".encode(), b"",
                                             hashlib.sha256).digest()).decode()
        if body.get("sign") != expected:
            return 200, {"code": 19021, "msg": "sign match fail or timestamp is not within one hour"}
        ok = body["msg_type"] == "post" and "zh_cn" in body["content"]["post"]
        return 200, {"code": 0 if ok else 9499, "msg": "success"}
    return 404, {}


@pytest.fixture
def platform():
    with HttpReceiver(platform_answer) as receiver:
        yield receiver


def urls(platform):
    return {"wecom": f"{platform.url}/cgi-bin/webhook/send?key=good-key",
            "dingtalk": f"{platform.url}/robot/send?access_token=abc",
            "feishu": f"{platform.url}/open-apis/bot/v2/hook/abc-123"}


def sweep(minutes=2):
    return outbox.outbox_sweep(now=timezone.now() + timedelta(minutes=minutes))


@pytest.mark.parametrize("name", ["wecom", "dingtalk", "feishu"])
def test_a_notification_reaches_the_teams_robot_signed_once(platform, name, manager, supervisor, team):
    Robot.objects.create(team=team, platform=name, url=urls(platform)[name],
                         secret="" if name == "wecom" else SECRET)
    notification_preferences_save(user=manager, choices={("log_returned", name): True,
                                                         ("log_returned", "email"): False})
    for _run in range(2):  # the event is reported twice
        notify(recipients=[manager], kind=Kind.LOG_RETURNED, key="log.returned", dedupe_key="signoff:9",
               params={"by": supervisor, "month": "2026-10", "detail": "Add the Haier visit."},
               link="/visits/sign-off/9/")
    assert sweep() == 1 and sweep(60) == 0
    [request] = platform.requests
    text = str(request["json"])
    assert "returned your visit log for 2026-10" in text and "Add the Haier visit." in text
    assert "/visits/sign-off/9/" in text
    assert OutboxMessage.objects.get().sent_at is not None


def test_a_robot_that_answers_500_is_retried_and_gets_the_message_once(manager, supervisor, team):
    answers = iter([(500, {}), (200, {"errcode": 0, "errmsg": "ok"})])
    with HttpReceiver(lambda request: next(answers)) as down_then_up:
        Robot.objects.create(team=team, platform="wecom", url=f"{down_then_up.url}/cgi-bin/webhook/send?key=k")
        notification_preferences_save(user=manager, choices={("log_returned", "wecom"): True})
        notify(recipients=[manager], kind=Kind.LOG_RETURNED, key="log.returned", dedupe_key="s:1",
               params={"by": supervisor, "month": "2026-10"})
        assert sweep() == 1  # the e-mail (default on); the robot answered 500
        message = OutboxMessage.objects.get(channel="webhook")
        assert message.attempts == 1 and "HTTP 500" in message.last_error
        assert sweep(minutes=4) == 1 and sweep(minutes=60) == 0
        assert len(down_then_up.requests) == 1


def test_a_wrong_signing_secret_is_refused_by_the_platform_and_retried_not_lost(platform, manager, supervisor, team):
    Robot.objects.create(team=team, platform="dingtalk", url=urls(platform)["dingtalk"], secret="SECwrong")
    notification_preferences_save(user=manager, choices={("log_returned", "dingtalk"): True,
                                                         ("log_returned", "email"): False})
    notify(recipients=[manager], kind=Kind.LOG_RETURNED, key="log.returned", dedupe_key="s:1",
           params={"by": supervisor, "month": "2026-10"})
    assert sweep() == 0
    message = OutboxMessage.objects.get()
    assert "310000: sign not match" in message.last_error and not message.dead and platform.requests == []


# --- The admin's page and the test button -------------------------------------------------------------------

def test_an_admin_sets_a_teams_robot_and_the_test_button_posts_a_signed_message(client, admin, team, platform):
    client.force_login(admin)
    response = client.post(reverse("notifications:robots"), {
        "team": team.pk, "platform": "feishu", "url": urls(platform)["feishu"], "secret": SECRET})
    assert response.status_code == 302
    robot = Robot.objects.get(team=team)
    response = client.post(reverse("notifications:robot-test", args=[robot.pk]), follow=True)
    assert "Test message sent" in response.content.decode()
    [request] = platform.requests
    assert request["json"]["content"]["post"]["zh_cn"]["title"] == "Test message from the KAM CRM"


def test_a_wrong_key_shows_a_clear_error_on_the_test_button(client, admin, team, platform):
    robot = Robot.objects.create(team=team, platform="wecom", url=f"{platform.url}/cgi-bin/webhook/send?key=bad")
    client.force_login(admin)
    page = client.post(reverse("notifications:robot-test", args=[robot.pk]), follow=True).content.decode()
    assert "93000: invalid webhook url" in page and "Check the address" in page


def test_an_unreachable_robot_shows_an_error_not_a_500(client, admin, team):
    from tests.receivers import free_port

    robot = Robot.objects.create(team=team, platform="wecom", url=f"http://127.0.0.1:{free_port()}/x?key=k")
    client.force_login(admin)
    response = client.post(reverse("notifications:robot-test", args=[robot.pk]), follow=True)
    assert response.status_code == 200 and "did not take the message" in response.content.decode()


def test_a_manager_adds_their_own_robot_but_not_a_teams(client, manager, team, platform):
    client.force_login(manager)
    response = client.post(reverse("notifications:robots"), {
        "team": team.pk, "platform": "wecom", "url": urls(platform)["wecom"]})
    assert response.status_code == 302  # the team field is not theirs: the robot is their own
    assert Robot.objects.get().user == manager and Robot.objects.get().team is None


def test_bad_input_is_refused_next_to_the_field(client, admin):
    client.force_login(admin)
    for data, message in (({"platform": "wecom", "url": "ftp://example.com/y?key=1"}, "The address starts with https://."),
                          ({"platform": "wecom", "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send"},
                           "copy it whole"),
                          ({"platform": "nope", "url": "https://x"}, "Select a valid choice")):
        response = client.post(reverse("notifications:robots"), data)
        assert response.status_code == 200 and message in response.content.decode(), data
    assert not Robot.objects.exists()


def test_a_team_robot_is_not_found_for_a_manager_and_another_persons_robot_neither(
        client, manager, teammate, team):
    team_robot = Robot.objects.create(team=team, platform="wecom", url="https://x/?key=1")
    own = Robot.objects.create(user=teammate, platform="wecom", url="https://x/?key=2")
    client.force_login(manager)
    for robot in (team_robot, own):
        assert client.post(reverse("notifications:robot-test", args=[robot.pk])).status_code == 404
        assert client.post(reverse("notifications:robot-delete", args=[robot.pk])).status_code == 404
    assert Robot.objects.count() == 2


def test_a_file_address_is_never_opened():
    from core import robots

    with pytest.raises(robots.RobotError):
        robots.post("file:///etc/passwd", {"platform": "wecom", "json": {}, "secret": ""})


def test_removing_a_robot_asks_first_and_then_removes_only_it(client, manager):
    robot = Robot.objects.create(user=manager, platform="dingtalk", url="https://oapi.dingtalk.com/robot/send?x=1")
    client.force_login(manager)
    url = reverse("notifications:robot-delete", args=[robot.pk])
    assert url in client.get(reverse("notifications:robots")).content.decode()

    asked = client.get(url)
    assert asked.status_code == 200 and "Remove this robot?" in asked.content.decode()
    assert Robot.objects.filter(pk=robot.pk).exists()

    done = client.post(url, follow=True)
    assert "Robot removed." in done.content.decode() and not Robot.objects.exists()
