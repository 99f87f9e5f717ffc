"""core.request_cache (issue 19): a small table read once per request, never kept past it, and
dropped when the request itself changes it."""

import pytest
from django.test import RequestFactory
from django.utils import timezone

from core import request_cache
from core.request_cache import RequestCacheMiddleware
from notifications import webhooks
from notifications.models import Webhook
from visits.models import DeadlineRule
from visits.services import DEADLINES_KEY, deadline_after

pytestmark = pytest.mark.django_db


def hook(name, events):
    return Webhook.objects.create(name=name, url=f"https://erp.example.com/{name}", secret="s" * 32, events=events)


def in_a_request(work):
    """Run `work` as a view would: inside the middleware's scope."""
    got = {}

    def view(_request):
        got["value"] = work()
        return None

    RequestCacheMiddleware(view)(RequestFactory().get("/"))
    return got["value"]


def test_every_kind_of_webhook_comes_from_one_read_per_request(django_assert_num_queries):
    hook("visits", ["visit"])
    hook("both", ["visit", "issue"])

    def work():
        with django_assert_num_queries(1):
            return [len(webhooks._listening("visit.created")), len(webhooks._listening("issue.created")),
                    len(webhooks._listening("order.created"))]

    assert in_a_request(work) == [2, 1, 0]


def test_outside_a_request_every_call_reads_as_before(django_assert_num_queries):
    hook("visits", ["visit"])
    with django_assert_num_queries(2):
        webhooks._listening("visit.created")
        webhooks._listening("visit.created")


def test_nothing_is_kept_for_the_next_request():
    assert in_a_request(lambda: webhooks._listening("visit.created")) == []
    hook("late", ["visit"])  # another process's admin, between two requests
    assert len(in_a_request(lambda: webhooks._listening("visit.created"))) == 1


def test_a_change_made_in_the_request_is_seen_in_the_same_request():
    def work():
        start = timezone.now()
        deadline_after("complaint", start)  # read, and kept
        DeadlineRule.objects.update_or_create(subject="complaint", defaults={"hours": 2, "working_time": False})
        hook("new", ["issue"])
        return deadline_after("complaint", start) - start, len(webhooks._listening("issue.created"))

    after, hooks = in_a_request(work)
    assert after.total_seconds() == 2 * 3600 and hooks == 1


def test_priming_reads_several_tables_in_one_statement(django_assert_num_queries):
    hook("visits", ["visit"])

    def work():
        with django_assert_num_queries(1):
            request_cache.prime(**{DEADLINES_KEY: DeadlineRule.objects.all(),
                                   webhooks.CACHE_KEY: webhooks.active_webhooks()})
            deadline_after("complaint", timezone.now())
            return webhooks._listening("visit.created")

    assert len(in_a_request(work)) == 1
