"""Group robots of the chat platforms Chinese teams live in, each as its documentation says:
WeCom (企业微信) group robot, DingTalk (钉钉) custom robot and Feishu/Lark (飞书) custom bot.

A message is queued in the outbox with its platform's JSON (`message()`); `post()` signs it at
send time, since DingTalk and Feishu signatures carry a timestamp the platform checks against
its clock (a retry an hour later needs a fresh one).
"""

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from urllib.parse import quote_plus

from django.utils.translation import gettext_lazy as _

TIMEOUT = 10  # seconds; below core.outbox.STALE_CLAIM
TEST_TIMEOUT = 5  # the "send test message" button waits for the answer in a request

WECOM, DINGTALK, FEISHU = "wecom", "dingtalk", "feishu"
# Our own outbound webhooks (notifications.Webhook): any receiver, the body signed with HMAC-SHA256.
SIGNED = "signed"
# The platforms by the names people know them by (the admin's list of what was sent).
PLATFORM_NAMES = {WECOM: _("WeCom"), DINGTALK: _("DingTalk"), FEISHU: _("Feishu"), SIGNED: _("Webhook")}
SIGNATURE_HEADER, TIMESTAMP_HEADER, DELIVERY_HEADER = "X-KAM-Signature", "X-KAM-Timestamp", "X-KAM-Delivery"


class RobotError(Exception):
    """The platform refused the message (wrong key, bad signature, rate limit) or did not answer."""


def message(platform, *, title, text, link=""):
    """The platform's JSON for a short markdown notice with a title and an optional link."""
    if platform == WECOM:
        content = f"**{title}**\n{text}" + (f"\n[{link}]({link})" if link else "")
        return {"msgtype": "markdown", "markdown": {"content": content}}
    if platform == DINGTALK:
        body = f"#### {title}\n\n{text}" + (f"\n\n[{link}]({link})" if link else "")
        return {"msgtype": "markdown", "markdown": {"title": title, "text": body}}
    if platform == FEISHU:
        line = [{"tag": "text", "text": text}]
        rows = [line] + ([[{"tag": "a", "text": link, "href": link}]] if link else [])
        return {"msg_type": "post", "content": {"post": {"zh_cn": {"title": title, "content": rows}}}}
    raise ValueError(f"unknown platform {platform!r}")


def dingtalk_sign(secret, timestamp_ms):
    """DingTalk: HMAC-SHA256 keyed by the secret over "timestamp\\nsecret", base64."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def feishu_sign(secret, timestamp_s):
    """Feishu: HMAC-SHA256 keyed by "timestamp\\nsecret" over an empty message, base64."""
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def signed(url, payload, *, now=None):
    """The URL and JSON to post, with the platform's signature added when there is a secret."""
    now = time.time() if now is None else now
    platform, body, secret = payload["platform"], dict(payload["json"]), payload.get("secret") or ""
    if secret and platform == DINGTALK:
        timestamp = int(now * 1000)
        separator = "&" if "?" in url else "?"
        url = f"{url}{separator}timestamp={timestamp}&sign={quote_plus(dingtalk_sign(secret, timestamp))}"
    elif secret and platform == FEISHU:
        timestamp = int(now)
        body.update(timestamp=str(timestamp), sign=feishu_sign(secret, timestamp))
    return url, body


def webhook_signature(secret, timestamp, body):
    """Our webhooks: hex HMAC-SHA256 keyed by the secret over "<timestamp>.<raw body>". The timestamp
    is signed too, so a receiver can refuse a replay of an old delivery (Stripe's scheme)."""
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def _post_signed(url, payload, *, timeout, now=None):
    """An event to a receiver of ours: any 2xx answer takes it (it need not answer JSON)."""
    body = json.dumps(payload["json"], ensure_ascii=False, separators=(",", ":")).encode()
    timestamp = str(int(time.time() if now is None else now))
    headers = {"Content-Type": "application/json; charset=utf-8", TIMESTAMP_HEADER: timestamp,
               SIGNATURE_HEADER: "sha256=" + webhook_signature(payload.get("secret") or "", timestamp, body),
               DELIVERY_HEADER: str(payload["json"].get("id", ""))}
    request = urllib.request.Request(url, data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - admin-set URL
            response.read(65536)
    except urllib.error.HTTPError as error:
        raise RobotError(f"HTTP {error.code}") from error
    except (urllib.error.URLError, OSError) as error:
        raise RobotError(str(getattr(error, "reason", error))) from error
    return {}


def post(url, payload, *, timeout=TIMEOUT):
    """Post one message; raise RobotError unless the platform says it took it."""
    if not url.startswith(("https://", "http://")):
        raise RobotError("the address must start with https://")
    if payload.get("platform") == SIGNED:
        return _post_signed(url, payload, timeout=timeout)
    url, body = signed(url, payload)
    request = urllib.request.Request(url, data=json.dumps(body, ensure_ascii=False).encode(),
                                     headers={"Content-Type": "application/json; charset=utf-8"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - admin-set https URL
            answer = response.read(65536)
    except urllib.error.HTTPError as error:
        raise RobotError(f"HTTP {error.code}") from error
    except (urllib.error.URLError, OSError) as error:
        raise RobotError(str(getattr(error, "reason", error))) from error
    try:
        data = json.loads(answer or b"{}")
    except ValueError as error:
        raise RobotError("the answer is not JSON: is this the robot's webhook address?") from error
    # WeCom and DingTalk answer errcode, Feishu code (older bots StatusCode); 0 is success.
    code = data.get("errcode", data.get("code", data.get("StatusCode", 0)))
    if code not in (0, "0"):
        raise RobotError(f"{code}: {data.get('errmsg') or data.get('msg') or data.get('StatusMessage') or ''}")
    return data
