"""K-21 and issue 23 item 1: after a signed-off month is reopened, the supervisor reads what the
correction changed, field by field, with the fields' and choices' labels in the reader's language,
on the month's sign-off page and on the visit itself."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import AccountFactory
from visits.services import monthly_log_approve, monthly_log_reopen, monthly_log_submit, visit_log, visit_update

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_day")]


def test_the_correction_after_a_reopening_is_shown(client, manager, supervisor):
    account = AccountFactory(owner=manager)
    last_month = (timezone.localdate().replace(day=1) - timezone.timedelta(days=1)).replace(day=1)
    visit = visit_log(account=account, by=manager, channel="phone", purpose="续约", summary="s",
                      occurred_at=timezone.now().replace(day=1) - timezone.timedelta(days=3))
    visit_update(visit=visit, by=manager, version=visit.version, channel="wechat")  # before the sign-off
    log = monthly_log_submit(author=manager, month=last_month, by=manager)
    monthly_log_approve(log=log, by=supervisor)
    monthly_log_reopen(log=log, by=supervisor, reason="渠道记错了")
    visit.refresh_from_db()
    visit_update(visit=visit, by=manager, version=visit.version, channel="on_site", sentiment="positive")

    client.force_login(supervisor)
    page = client.get(reverse("visits:sign-off-review", args=[log.pk]) + "?week=all")
    since = page.context["since_reopen"]
    assert len(since) == 1  # the change before the sign-off is not "since the reopening"
    labels = {label: (old, new) for label, old, new in since[0][1]}
    assert labels["channel"] == ("WeChat", "On-site visit") and labels["sentiment"] == ("", "Positive")
    assert 'data-testid="since-reopen"' in page.content.decode()

    client.force_login(manager)
    detail = client.get(reverse("visits:detail", args=[visit.pk]))
    flags = [record.after_reopen for record, _fields in detail.context["changes"]]
    assert flags == [True, False]
    assert "after the month was reopened" in detail.content.decode()
