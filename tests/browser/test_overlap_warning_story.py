"""Issue 20, item 5 (K-24): the manager ticks a contact a colleague touched last week, and the
form warns at once, before anything is saved."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import PASSWORD, AccountFactory, ContactFactory, TeamFactory, UserFactory
from visits.services import visit_log

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def account(db):
    team = TeamFactory(name="East China")
    li = UserFactory(username="li", team=team)
    chen = UserFactory(username="chen", display_name="陈经理", team=team)
    account = AccountFactory(name="东方电子", owner=li)
    account.team_members.add(chen)
    zhou = ContactFactory(account=account, name="周总")
    ContactFactory(account=account, name="吴工")
    visit_log(account=account, by=chen, channel="phone", purpose="Call", summary="Prices.", contacts=[zhou],
              occurred_at=timezone.now() - timedelta(days=5))
    return account


def test_ticking_a_contact_a_colleague_touched_lately_warns_before_saving(page, live_server, log_in, account):
    page.set_viewport_size({"width": 375, "height": 800})
    log_in("li", PASSWORD)
    page.goto(f"{live_server.url}/visits/new/?account={account.pk}")
    page.get_by_label("吴工").check()
    expect(page.locator("#overlap-warning .alert")).to_have_count(0)
    page.get_by_label("周总").check()
    expect(page.locator("#overlap-warning")).to_contain_text("陈经理 touched 周总 on")
    page.get_by_label("周总").uncheck()
    expect(page.locator("#overlap-warning .alert")).to_have_count(0)
