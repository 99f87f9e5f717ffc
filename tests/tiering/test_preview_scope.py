"""Issue 15 item 1: the live preview of unsaved rules (K-31) answers about the
accounts the user may see, never another team's (K-05)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import AccountFactory
from tiering.models import AccountTier, Tier


@pytest.fixture
def accounts(manager, outsider):
    """One account in each team, both C today, both A under "potential 4 or more"."""
    c = Tier.objects.get(code="C")
    ours = AccountFactory(name="Haier", owner=manager, potential=5)
    theirs = AccountFactory(name="Midea", owner=outsider, potential=5)
    for account in (ours, theirs):
        AccountTier.objects.create(account=account, tier=c, set_at=timezone.now())
    return ours, theirs


def preview_post(client):
    """The rules form sent with the Preview button (not Save): one rule, A for potential 4+."""
    return client.post(reverse("tiering:rules"), {
        "rules-TOTAL_FORMS": "1", "rules-INITIAL_FORMS": "0",
        "rules-0-position": "1", "rules-0-tier": Tier.objects.get(code="A").pk, "rules-0-min_potential": "4",
        "preview": "1",
    })


@pytest.mark.parametrize("who", ["outsider", "other_supervisor"])
def test_k31_the_other_teams_manager_and_supervisor_preview_only_their_own_accounts(client, who, accounts, request,
                                                                                      other_team):
    user = other_team.supervisor if who == "other_supervisor" else request.getfixturevalue("outsider")
    client.force_login(user)

    page = preview_post(client)

    result = page.context["preview"]
    assert [name for _id, name, _from, _to in result.movers] == ["Midea"]
    assert result.mover_count == 1
    assert result.per_tier == {Tier.objects.get(code="A").pk: 1}
    assert result.raw_matches == {1: 1}
    assert "Haier" not in page.content.decode()
    assert "Only the accounts you can see are counted" in page.content.decode()


def test_k31_a_supervisor_previews_the_team_and_an_admin_everything(client, supervisor, admin, accounts):
    client.force_login(supervisor)
    assert [m[1] for m in preview_post(client).context["preview"].movers] == ["Haier"]

    client.force_login(admin)
    assert sorted(m[1] for m in preview_post(client).context["preview"].movers) == ["Haier", "Midea"]


def test_k31_a_scoped_preview_still_ranks_revenue_across_the_company(client, manager, outsider):
    """Top 50% of revenue: our 100 is the bottom half of the company, even though it is
    the top of what the manager sees; the preview says what the evaluation will do."""
    from decimal import Decimal

    from tests.factories import OrderFactory

    OrderFactory(account=AccountFactory(name="Haier", owner=manager), amount=Decimal(100),
                 signed_on=timezone.localdate())
    OrderFactory(account=AccountFactory(name="Midea", owner=outsider), amount=Decimal(10_000),
                 signed_on=timezone.localdate())
    client.force_login(manager)

    page = client.post(reverse("tiering:rules"), {
        "rules-TOTAL_FORMS": "1", "rules-INITIAL_FORMS": "0", "rules-0-position": "1",
        "rules-0-tier": Tier.objects.get(code="A").pk, "rules-0-top_revenue_percent": "50", "preview": "1",
    })

    assert page.context["preview"].raw_matches == {1: 0}
    assert page.context["preview"].per_tier == {Tier.objects.get(code="C").pk: 1}


def test_k31_a_manager_cannot_save_rules_even_with_a_valid_form(client, manager, accounts):
    client.force_login(manager)
    page = client.post(reverse("tiering:rules"), {
        "rules-TOTAL_FORMS": "1", "rules-INITIAL_FORMS": "0",
        "rules-0-position": "1", "rules-0-tier": Tier.objects.get(code="A").pk, "save": "1",
    })
    assert page.status_code == 403
