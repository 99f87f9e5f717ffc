"""Issue 24 item 4: outbound webhooks, set up by admins on their page, each event sent through the
outbox (core.outbox) — signed with HMAC-SHA256, retried, received exactly once — at a real local
HTTP receiver that refuses anything whose signature does not verify."""

import hashlib
import hmac
import json
import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core import outbox
from core.models import OutboxMessage
from notifications.models import Webhook
from tests.receivers import HttpReceiver
from tests.visits.factories import VisitFactory

pytestmark = pytest.mark.django_db


class Verifying:
    """A receiver as its documentation would tell an integrator to write one: the signature is
    HMAC-SHA256 by the shared secret over "<X-KAM-Timestamp>.<raw body>", the timestamp fresh."""

    def __init__(self, secret, fail_first=0):
        self.secret, self.fail_first, self.refused = secret, fail_first, 0

    def __call__(self, request):
        headers = {k.lower(): v for k, v in request["headers"].items()}
        timestamp = headers.get("x-kam-timestamp", "0")
        expected = "sha256=" + hmac.new(self.secret.encode(), f"{timestamp}.".encode() + request["body"],
                                        hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, headers.get("x-kam-signature", "")):
            self.refused += 1
            return 401, {"code": 401}
        if abs(time.time() - int(timestamp)) > 300:
            return 401, {"code": 401}
        if self.fail_first:
            self.fail_first -= 1
            return 503, {"code": 503}
        return 200, {}


def sweep(minutes=2):
    return outbox.outbox_sweep(now=timezone.now() + timedelta(minutes=minutes))


def events(receiver):
    return [r["json"]["event"] for r in receiver.requests]


@pytest.fixture
def hook_at():
    """hook_at(receiver, events) -> a webhook to that receiver (as an admin's page would save it)."""
    return lambda receiver, kinds, **fields: Webhook.objects.create(name=f"ERP {kinds}", url=f"{receiver.url}/hook",
                                                                    events=kinds, **fields)


def test_an_order_sent_through_the_api_reaches_the_erp_signed_once(as_user, manager, world, hook_at, settings):
    secret_holder = {}
    with HttpReceiver(lambda request: secret_holder["check"](request)) as erp:
        hook = hook_at(erp, ["order"])
        secret_holder["check"] = Verifying(hook.secret)
        client = as_user(manager)
        body = {"account": world["ours"]["account"].pk, "external_id": "SAP-9", "signed_on": "2026-11-30",
                "amount": "88.00", "product": "伺服电机"}
        order = client.post("/api/orders/", body, format="json").json()
        client.post("/api/orders/", body, format="json")  # the same order again: nothing changed, nothing sent
        assert sweep() == 1 and sweep(60) == 0
        [delivery] = erp.requests
        assert delivery["json"]["event"] == "order.created"
        assert delivery["json"]["data"]["id"] == order["id"] and delivery["json"]["data"]["external_id"] == "SAP-9"
        headers = {k.lower(): v for k, v in delivery["headers"].items()}
        assert headers["x-kam-delivery"] == delivery["json"]["id"]
        assert json.loads(delivery["body"]) == delivery["json"]


def test_a_receiver_that_is_down_gets_the_event_later_exactly_once(manager, world, hook_at):
    from accounts.services import account_update

    check = {}
    with HttpReceiver(lambda request: check["it"](request)) as erp:
        hook = hook_at(erp, ["account"])
        check["it"] = Verifying(hook.secret, fail_first=2)
        account_update(account=world["ours"]["account"], by=manager, name="上海机电集团")
        assert sweep() == 0
        message = OutboxMessage.objects.get()
        assert (message.attempts, message.last_error) == (1, "RobotError: HTTP 503")
        assert sweep(minutes=4) == 0  # the second try, after the first backoff
        assert sweep(minutes=60) == 1 and sweep(minutes=600) == 0
        assert events(erp) == ["account.updated"]
        assert erp.requests[0]["json"]["data"]["name"] == "上海机电集团"


def test_a_wrong_secret_is_refused_by_the_receiver_and_kept_for_retry_not_lost(manager, world, hook_at):
    from accounts.services import account_archive

    verify = Verifying("not-the-secret")
    with HttpReceiver(verify) as erp:
        hook_at(erp, ["account"])
        account_archive(account=world["ours"]["account"], by=manager)
        assert sweep() == 0
        assert verify.refused == 1 and erp.requests == []
        assert not OutboxMessage.objects.get().dead


def test_each_kind_of_change_is_announced_to_the_webhooks_listening_to_it(manager, supervisor, world, hook_at,
                                                                        default_tiers):
    from contacts.services import contact_update
    from tiering.models import Tier
    from tiering.services import account_tier_override
    from visits.services import issue_follow_up, visit_log

    ours = world["ours"]
    check = {}
    with HttpReceiver(lambda request: check["it"](request)) as erp:
        everything = hook_at(erp, ["account", "contact", "order", "visit", "issue", "tier"])
        hook_at(erp, ["order"], active=False)  # paused: told nothing
        check["it"] = Verifying(everything.secret)
        contact_update(contact=ours["contact"], by=manager, title="总经理")
        visit = visit_log(account=ours["account"], by=manager, purpose="Review", summary="Fine.",
                          issues=[{"kind": "request", "description": "Price list", "department": "Sales"}])
        issue_follow_up(issue=visit.issues.get(), by=manager, status="in_progress")
        account_tier_override(account=ours["account"], tier=Tier.objects.get(code="A"), by=supervisor,
                              reason="Strategic partner")
        sweep()
        assert sorted(events(erp)) == sorted(["contact.updated", "issue.created", "visit.created", "issue.updated",
                                              "tier.changed"])
        tier = next(r["json"]["data"] for r in erp.requests if r["json"]["event"] == "tier.changed")
        assert (tier["account"], tier["to_tier"]) == (ours["account"].pk, Tier.objects.get(code="A").pk)


def test_nothing_is_queued_when_no_webhook_listens(manager, world, django_assert_max_num_queries):
    VisitFactory(account=world["ours"]["account"], author=manager)
    from notifications.webhooks import announce

    with django_assert_max_num_queries(1):  # the one indexed look-up for listeners
        assert announce("visit.updated", world["ours"]["visit"]) == []
    assert not OutboxMessage.objects.exists()


# --- The admins' page ------------------------------------------------------------------------------

def test_an_admin_adds_a_webhook_and_its_test_event_reaches_the_receiver(client, admin, django_assert_max_num_queries):
    check = {}
    with HttpReceiver(lambda request: check["it"](request)) as erp:
        client.force_login(admin)
        saved = client.post(reverse("notifications:webhooks"), {
            "name": "SAP", "url": f"{erp.url}/hook", "events": ["order", "tier"], "active": "on"})
        assert saved.status_code == 302
        hook = Webhook.objects.get()
        assert (hook.events, len(hook.secret)) == (["order", "tier"], 64)
        check["it"] = Verifying(hook.secret)
        with django_assert_max_num_queries(8):  # session, user, bell, the webhooks and their count
            page = client.get(reverse("notifications:webhooks"))
        assert hook.secret in page.content.decode()
        answer = client.post(reverse("notifications:webhook-test", args=[hook.pk]), follow=True)
        assert "Test event queued" in answer.content.decode()
        sweep()
        assert events(erp) == ["ping"]


def test_the_webhook_form_names_what_is_wrong_and_edits_and_removal_confirm(client, admin):
    client.force_login(admin)
    bad = client.post(reverse("notifications:webhooks"), {"name": "", "url": "not a url", "events": ["nope"]})
    assert bad.status_code == 400
    assert set(bad.context["form"].errors) == {"name", "url", "events"}
    hook = Webhook.objects.create(name="BI", url="https://bi.example.com/hook", events=["visit"])
    old_secret = hook.secret
    client.post(reverse("notifications:webhook-edit", args=[hook.pk]), {
        "name": "BI", "url": "https://bi.example.com/hook", "events": ["visit", "issue"], "new_secret": "on"})
    hook.refresh_from_db()
    assert hook.events == ["visit", "issue"] and hook.secret != old_secret and not hook.active
    assert b"Remove the webhook" in client.get(reverse("notifications:webhook-delete", args=[hook.pk])).content
    client.post(reverse("notifications:webhook-delete", args=[hook.pk]))
    assert not Webhook.objects.exists()


def test_webhooks_are_for_admins_only(client, supervisor, manager):
    hook = Webhook.objects.create(name="BI", url="https://bi.example.com/hook", events=["visit"])
    for person in (supervisor, manager):
        client.force_login(person)
        for name, args in (("webhooks", []), ("webhook-edit", [hook.pk]), ("webhook-delete", [hook.pk])):
            assert client.get(reverse(f"notifications:{name}", args=args)).status_code == 404
        assert client.post(reverse("notifications:webhook-test", args=[hook.pk])).status_code == 404


def test_orders_imported_from_a_file_are_announced_like_any_other(client, manager, hook_at):
    from tests.factories import AccountFactory
    from tests.imports.test_imports import csv_file, import_file

    AccountFactory(name="Acme", owner=manager)
    check = {}
    with HttpReceiver(lambda request: check["it"](request)) as erp:
        check["it"] = Verifying(hook_at(erp, ["order"]).secret)
        client.force_login(manager)
        file = "客户名称,日期,金额,产品,合同号\nAcme,2024-05-26,120000,伺服电机,HT-1\n"
        client.post(reverse("imports:apply", args=[import_file(client, "orders", csv_file(file)).pk]))
        client.post(reverse("imports:apply", args=[import_file(client, "orders", csv_file(
            file.replace("120000", "130000"))).pk]))
        sweep()
        assert events(erp) == ["order.created", "order.updated"]
        assert erp.requests[1]["json"]["data"]["amount"] == "130000.00"


def test_a_merge_of_two_accounts_is_announced_with_the_survivor_and_the_merged_id(manager, hook_at):
    from hub.merge import accounts_merge
    from tests.factories import AccountFactory

    survivor, duplicate = AccountFactory(owner=manager, name="Acme"), AccountFactory(owner=manager, name="ACME")
    check = {}
    with HttpReceiver(lambda request: check["it"](request)) as erp:
        check["it"] = Verifying(hook_at(erp, ["account"]).secret)
        accounts_merge(survivor=survivor, duplicate=duplicate, by=manager)
        sweep()
        [merged] = [r["json"] for r in erp.requests if r["json"]["event"] == "account.merged"]
        assert (merged["data"]["id"], merged["data"]["merged_from"]) == (survivor.pk, duplicate.pk)
