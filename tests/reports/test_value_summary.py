"""K-52: the value page reads only what it shows (the tiers' averages, the top accounts, those most
at risk) from one statement, and its figures are the ones the export computes for every account."""

import csv
import io
import random
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from contacts.services import contact_mark_left
from reports import analytics
from tests.clock import DAY
from tests.factories import AccountFactory, BuyerRoleFactory, ContactFactory, OrderFactory
from tiering.models import AccountTier, Tier

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_day")]
STATUSES = ["active", "active", "at_risk", "lost", "prospect"]


def portfolio(manager, seed, size=40):
    """Accounts with random orders, tiers, silences and departed role holders."""
    rng = random.Random(seed)
    tiers = list(Tier.objects.all()) + [None]
    for n in range(size):
        account = AccountFactory(owner=manager, name=f"Account {n:02d}", status=rng.choice(STATUSES))
        for _ in range(rng.randint(0, 4)):
            OrderFactory(account=account, amount=Decimal(rng.choice([5, 50, 100, 250, 1000]) * 100),
                         signed_on=DAY - timedelta(days=rng.randint(0, 900)))
        if tier := rng.choice(tiers):
            AccountTier.objects.create(account=account, tier=tier,
                                       set_at=timezone.now() - timedelta(days=rng.randint(0, 120)))
        if rng.random() < 0.3:
            ContactFactory(account=account, silent_since=timezone.now())
        if rng.random() < 0.2:
            boss = BuyerRoleFactory(contact=ContactFactory(account=account), role="decision_maker").contact
            contact_mark_left(contact=boss, by=manager, left_on=DAY)


def the_export_s_figures(scope, years):
    """What account_values and at_risk give for every account: the definition the page is held to."""
    accounts = analytics.account_values(scope, today=DAY)
    by_tier = {}
    for account in accounts:
        by_tier.setdefault(account.tier or "—", []).append(account.clv(years))
    tiers = sorted((tier, sum(v) / len(v), len(v)) for tier, v in by_tier.items())
    reasons = {value.id: why for value, why in analytics.at_risk(accounts, scope)}
    return tiers, sorted((a.clv(years) for a in accounts), reverse=True), reasons, {a.id: a for a in accounts}


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("reader", ["manager", "admin"])
def test_k52_the_pages_figures_equal_the_exports_for_random_portfolios(manager, default_tiers, reader, seed,
                                                                       request):
    portfolio(manager, seed)
    scope = analytics.scope(request.getfixturevalue(reader))
    tiers, clvs, reasons, accounts = the_export_s_figures(scope, years=3)

    summary = analytics.value_summary(scope, today=DAY, years=3, top=10, risky=8)

    assert summary.tiers == tiers
    assert [a.clv(3) for a in summary.top] == clvs[:10]
    assert len(summary.risky) == min(8, len(reasons))
    for value, why in summary.risky:
        assert why == reasons[value.id], value.name
    # the most reasons first, then the most revenue in the last twelve months; none left out ranks higher
    key = {pk: (-len(why), -accounts[pk].last12) for pk, why in reasons.items()}
    shown = [key[value.id] for value, _why in summary.risky]
    assert shown == sorted(shown)
    left_out = [k for pk, k in key.items() if pk not in {value.id for value, _why in summary.risky}]
    assert not left_out or min(left_out) >= shown[-1]


@pytest.mark.parametrize("seed", [4, 5])
def test_k52_every_account_at_risk_is_listed_when_they_fit(manager, default_tiers, seed, admin):
    portfolio(manager, seed, size=25)
    scope = analytics.scope(admin)
    _tiers, _clvs, reasons, _accounts = the_export_s_figures(scope, years=2)

    summary = analytics.value_summary(scope, today=DAY, years=2)

    assert {value.id: why for value, why in summary.risky} == reasons


def test_k52_the_page_and_its_export_show_the_same_accounts_at_risk(client, manager, default_tiers):
    portfolio(manager, 6, size=20)
    client.force_login(manager)

    page = client.get(reverse("reports:value"))
    export = client.get(reverse("reports:value"), {"format": "csv"})

    shown = {value.name for value, _why in page.context["risky"]}
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))[1:]
    flagged = {row[0] for row in rows if row[-1]}
    assert shown == flagged


def test_k52_an_empty_scope_shows_no_tier_no_account_and_no_risk(client, manager, default_tiers):
    client.force_login(manager)
    page = client.get(reverse("reports:value"))
    assert (page.context["tiers"], page.context["top"], page.context["risky"]) == ([], [], [])
