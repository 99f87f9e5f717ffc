"""K-13 danger rules of the buying centre: a missing role is a danger, no coach a
warning, high influence with little contact a danger zone, and a holder who left
leaves the role open. The Python explanation and the SQL ranking must agree."""

from datetime import date

import pytest

from accounts.models import Account
from contacts.dangers import DANGER, WARNING, account_dangers, danger_score, with_danger_score
from contacts.models import BuyerRole
from tests.factories import AccountFactory, BuyerRoleFactory, ContactFactory

pytestmark = pytest.mark.django_db

ALL_ROLES = [r.value for r in BuyerRole.Role]


def staff(account, roles=ALL_ROLES, **config):
    """Give each role to a new active contact of `account`."""
    return [BuyerRoleFactory(contact=ContactFactory(account=account), role=role, **config) for role in roles]


def dangers_of(account):
    return account_dangers(list(BuyerRole.objects.filter(account=account).select_related("contact")))


def codes(dangers):
    return {d.code for d in dangers}


def test_k13_an_account_with_no_known_roles_has_three_dangers_and_a_warning():
    dangers = dangers_of(AccountFactory())
    assert codes(dangers) == {"missing:decision_maker", "missing:gatekeeper", "missing:user", "no_coach"}
    assert [d.severity for d in dangers] == [DANGER, DANGER, DANGER, WARNING]
    assert danger_score(dangers) == 7


def test_k13_all_four_roles_well_covered_is_safe():
    account = AccountFactory()
    staff(account, influence=5, contact_level=4)
    assert dangers_of(account) == []


def test_k13_only_the_coach_missing_is_a_warning_not_a_danger():
    account = AccountFactory()
    staff(account, ALL_ROLES[:3])
    [warning] = dangers_of(account)
    assert (warning.code, warning.is_danger) == ("no_coach", False)


def test_k13_high_influence_with_little_contact_is_a_danger_zone():
    account = AccountFactory()
    staff(account, ALL_ROLES[1:])
    [zone] = staff(account, [BuyerRole.Role.DECISION_MAKER], influence=4, contact_level=2)
    [danger] = dangers_of(account)
    assert danger.code == f"zone:{zone.pk}" and danger.is_danger
    assert zone.is_danger_zone


def test_k13_high_influence_with_fair_contact_is_not_a_danger_zone():
    account = AccountFactory()
    staff(account, ALL_ROLES[1:])
    [role] = staff(account, [BuyerRole.Role.DECISION_MAKER], influence=4, contact_level=3)
    assert not role.is_danger_zone
    assert dangers_of(account) == []


def test_k17_a_holder_who_left_opens_the_role_as_a_left_danger():
    account = AccountFactory()
    staff(account, ALL_ROLES[1:])
    gone = ContactFactory(account=account, name="Zhou", status="left", left_on=date(2025, 3, 31))
    BuyerRoleFactory(contact=gone, role=BuyerRole.Role.DECISION_MAKER)
    [danger] = dangers_of(account)
    assert danger.code == "left:decision_maker" and danger.is_danger
    assert "Zhou" in danger.message


def test_k17_a_left_holder_does_not_matter_once_the_role_has_a_new_holder():
    account = AccountFactory()
    staff(account)
    gone = ContactFactory(account=account, status="left", left_on=date(2025, 3, 31))
    BuyerRoleFactory(contact=gone, role=BuyerRole.Role.DECISION_MAKER, influence=5, contact_level=1)
    assert dangers_of(account) == []


def test_k13_the_left_coach_is_a_danger_not_just_a_warning():
    account = AccountFactory()
    staff(account, ALL_ROLES[:3])
    gone = ContactFactory(account=account, status="left", left_on=date(2025, 3, 31))
    BuyerRoleFactory(contact=gone, role=BuyerRole.Role.COACH)
    assert [(d.code, d.severity) for d in dangers_of(account)] == [("left:coach", DANGER)]


@pytest.fixture
def portfolio():
    """Differently staffed accounts, created in no particular order of danger."""
    accounts = {}
    accounts["covered"] = AccountFactory(name="Covered")
    staff(accounts["covered"], contact_level=4)

    accounts["empty"] = AccountFactory(name="Empty")

    accounts["no coach"] = AccountFactory(name="No coach")
    staff(accounts["no coach"], ALL_ROLES[:3])

    accounts["zones"] = AccountFactory(name="Zones")
    staff(accounts["zones"], influence=5, contact_level=1)

    accounts["left"] = AccountFactory(name="Left")
    staff(accounts["left"], ALL_ROLES[1:3])
    for role in (BuyerRole.Role.DECISION_MAKER, BuyerRole.Role.COACH):
        gone = ContactFactory(account=accounts["left"], status="left", left_on=date(2025, 1, 1))
        BuyerRoleFactory(contact=gone, role=role, influence=5, contact_level=1)

    accounts["mixed"] = AccountFactory(name="Mixed")
    staff(accounts["mixed"], [BuyerRole.Role.USER])
    staff(accounts["mixed"], [BuyerRole.Role.USER, BuyerRole.Role.GATEKEEPER], influence=4, contact_level=2)
    return accounts


def test_k13_the_sql_score_agrees_with_the_python_rules(portfolio):
    ranked = with_danger_score(Account.objects.filter(pk__in=[a.pk for a in portfolio.values()]))
    sql = {a.name: a.danger_score for a in ranked}
    python = {a.name: danger_score(dangers_of(a)) for a in portfolio.values()}
    assert sql == python
    assert python == {"Covered": 0, "Empty": 7, "No coach": 1, "Zones": 8, "Left": 4, "Mixed": 7}


def test_k13_the_portfolio_ranks_the_worst_account_first(portfolio):
    ranked = with_danger_score(Account.objects.filter(pk__in=[a.pk for a in portfolio.values()]))
    names = [a.name for a in ranked.order_by("-danger_score", "name")]
    assert names == ["Zones", "Empty", "Mixed", "Left", "No coach", "Covered"]
