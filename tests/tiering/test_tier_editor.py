"""K-31: admins define the tiers and their cadence in the app: names, number and order are data."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import AccountFactory
from tiering.models import AccountTier, CadenceRequirement, Tier

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_day")]  # tests/clock.py


def tier_post(**fields):
    data = {"code": "D", "name": "Dormant 休眠级", "rank": "4", "description": "", "benefits": "",
            "needs-TOTAL_FORMS": "1", "needs-INITIAL_FORMS": "0", "needs-MIN_NUM_FORMS": "0",
            "needs-MAX_NUM_FORMS": "1000", "needs-0-channel_group": "email_sms", "needs-0-touches": "1",
            "needs-0-period": "days", "needs-0-days": "90"}
    data.update(fields)
    return data


def test_k31_an_admin_adds_a_fourth_tier_with_its_cadence(client, admin):
    client.force_login(admin)
    response = client.post(reverse("tiering:tier-create"), tier_post())
    assert response.status_code == 302
    dormant = Tier.objects.get(code="D")
    assert [str(r) for r in dormant.requirements.all()] == ["1 × E-mail or SMS every 90 days"]


def test_k31_a_rolling_period_needs_its_days_and_says_so_at_the_field(client, admin):
    client.force_login(admin)
    response = client.post(reverse("tiering:tier-create"), tier_post(**{"needs-0-days": ""}))
    assert response.status_code == 200
    assert "days" in response.context["requirements"].forms[0].errors
    assert not Tier.objects.filter(code="D").exists()
    assert 'value="Dormant 休眠级"' in response.content.decode()


def test_k31_choosing_a_new_default_tier_moves_the_flag(client, admin):
    client.force_login(admin)
    client.post(reverse("tiering:tier-create"), tier_post(is_default="on"))
    assert list(Tier.objects.filter(is_default=True).values_list("code", flat=True)) == ["D"]


def test_k31_a_duplicate_rank_is_refused_at_the_field(client, admin):
    client.force_login(admin)
    response = client.post(reverse("tiering:tier-create"), tier_post(rank="1"))
    assert "rank" in response.context["form"].errors


def test_k31_a_tier_holding_accounts_cannot_be_deleted(client, admin, manager):
    b = Tier.objects.get(code="B")
    AccountTier.objects.create(account=AccountFactory(owner=manager), tier=b, set_at=timezone.now())
    client.force_login(admin)
    assert client.get(reverse("tiering:tier-delete", args=[b.pk])).status_code == 200  # asks first
    client.post(reverse("tiering:tier-delete", args=[b.pk]))
    assert Tier.objects.filter(pk=b.pk).exists()
    client.post(reverse("tiering:tier-create"), tier_post())
    dormant = Tier.objects.get(code="D")
    client.post(reverse("tiering:tier-delete", args=[dormant.pk]))
    assert not Tier.objects.filter(code="D").exists()
    assert not CadenceRequirement.objects.filter(tier_id=dormant.pk).exists()


@pytest.mark.parametrize("who", ["manager", "supervisor"])
def test_k31_only_admins_edit_tiers(client, who, request):
    """Everyone sees the tiers on the rules page, so changing one is refused (403), not hidden."""
    client.force_login(request.getfixturevalue(who))
    a = Tier.objects.get(code="A")
    assert client.get(reverse("tiering:tier-edit", args=[a.pk])).status_code == 403
    assert client.post(reverse("tiering:tier-edit", args=[a.pk]), tier_post(code="Z")).status_code == 403
    assert client.post(reverse("tiering:tier-delete", args=[a.pk])).status_code == 403
    assert Tier.objects.filter(code="A").exists()


def test_k30_the_cadence_board_lists_customers_not_prospects(client, manager):
    from tests.factories import ProspectFactory

    AccountFactory(name="Customer Co.", owner=manager)
    ProspectFactory(name="Prospect Co.", owner=manager)
    client.force_login(manager)
    names = [account.name for account, _needs in client.get(reverse("tiering:cadence")).context["rows"]]
    assert names == ["Customer Co."]
