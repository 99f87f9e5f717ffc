"""Tests walk every URL with an outsider (K-05): every page about one of li's
accounts, its contacts and their rows answers 404 to managers of another team,
whatever they send, and nothing changes. A page that does not exist for them
does not disclose that the account exists.

Inside the team the line is finer: a same-team colleague may look at li's
account but not change it (403: the refusal policy, issue 14 — what is in sight
is refused, not hidden); the team's supervisor may change it."""

import pytest
from django.urls import reverse

from accounts.models import Account, AccountTeamMember, Competitor, Handover, Order, ProductPosition, ProspectClaim
from contacts.models import BuyerRole, Contact, DecisionStep, PersonnelChange, Relationship, SelfQuestionReview
from tests.factories import (
    AccountFactory,
    BuyerRoleFactory,
    ContactFactory,
    OrderFactory,
    ProspectFactory,
    TeamFactory,
    UserFactory,
)
from tests.urlwalk import routes

pytestmark = pytest.mark.django_db

NAMESPACES = ("accounts", "contacts")


# (url name, its parameter names) of every route in the two namespaces.
ROUTES = {f"{namespace}:{pattern.name}": tuple(sorted(pattern.pattern.converters))
          for _route, pattern, namespace in routes() if namespace in NAMESPACES}

# Pages about no object in particular: each user sees their own slice.
LIST_PAGES = ["accounts:list", "accounts:claims", "accounts:handovers", "contacts:list", "contacts:dangers",
              "accounts:owner-options",  # the owner filter's people picker: the user's own slice of people
              "accounts:account-options",  # the forms' account picker: the accounts the user sees
              "accounts:people-options"]  # the account form's people picker: whom the user may choose
UNSCOPED = {*LIST_PAGES, "accounts:create"}

# What `<int:pk>` is on each object page; `<int:account_pk>` is always the
# account and `<int:contact_pk>` always the contact.
PK_IS = {
    "accounts:detail": "account", "accounts:edit": "account", "accounts:archive": "account",
    "accounts:restore": "account", "accounts:review-profile": "account", "accounts:history": "account",
    "accounts:claim": "account", "accounts:handover": "account", "accounts:site": "account",
    "accounts:handover-options": "account",
    "accounts:handover-decide": "handover", "accounts:handover-withdraw": "handover",
    "accounts:claim-decide": "claim", "accounts:claim-withdraw": "claim",
    "accounts:competitor-edit": "competitor", "accounts:competitor-delete": "competitor",
    "accounts:order-edit": "order", "accounts:order-delete": "order",
    "accounts:product-edit": "product", "accounts:product-delete": "product",
    "contacts:detail": "contact", "contacts:edit": "contact", "contacts:history": "contact",
    "contacts:left": "contact", "contacts:archive": "contact",
    "contacts:role-edit": "role", "contacts:role-delete": "role", "contacts:role-reviews": "role",
    "contacts:relationship-delete": "relationship",
    "contacts:step-edit": "step", "contacts:step-delete": "step",
}
OBJECT_PAGES = sorted(set(ROUTES) - UNSCOPED)

# Views that only take a POST: a GET is refused before anyone looks for the object.
POST_ONLY = {
    "accounts:restore", "accounts:review-profile", "accounts:claim", "accounts:claim-decide",
    "accounts:claim-withdraw", "accounts:handover-decide", "contacts:relationship-delete", "contacts:step-delete",
}

# Pages only an admin uses on an account the owner sees (403 for li, 404 for the other team).
ADMIN_ONLY = {"accounts:site"}

WATCHED = [Account, AccountTeamMember, Competitor, Handover, Order, ProductPosition, ProspectClaim,
           Contact, BuyerRole, Relationship, DecisionStep, PersonnelChange, SelfQuestionReview]


def snapshot():
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in WATCHED}


@pytest.fixture
def other_supervisor(other_team):
    return other_team.supervisor


@pytest.fixture
def world(manager):
    """li's account with one of everything, li's pending claim on an open prospect, and li's
    pending handover of the account to a third team (neither persona below has a part in it)."""
    account = AccountFactory(name="Haier Secret Deal", owner=manager, kind="strategic")
    contact = ContactFactory(account=account, name="Zhou Boss")
    colleague = ContactFactory(account=account, name="Sun Cfo", reports_to=contact)
    prospect = ProspectFactory(name="Open Lead Ltd")
    return {
        "account": account,
        "contact": contact,
        "colleague": colleague,
        "role": BuyerRoleFactory(contact=contact, role="decision_maker"),
        "relationship": Relationship.objects.create(from_contact=contact, to_contact=colleague, kind="ally"),
        "step": DecisionStep.objects.create(account=account, position=1, description="Board signs",
                                            responsible=contact),
        "competitor": Competitor.objects.create(account=account, name="Rival Soft"),
        "order": OrderFactory(account=account, product="MES rollout"),
        "product": ProductPosition.objects.create(account=account, product="ERP", status="in_use"),
        "prospect": prospect,
        "claim": ProspectClaim.objects.create(account=prospect, claimant=manager, reason="met them at a fair"),
        "handover": Handover.objects.create(
            account=account, from_owner=manager, requested_by=manager, reason="moving north",
            to_owner=UserFactory(username="zhao", team=TeamFactory(name="North China"))),
    }


def path_of(name, world):
    kwargs = {}
    for param in ROUTES[name]:
        kwargs[param] = world[{"account_pk": "account", "contact_pk": "contact"}.get(param) or PK_IS[name]].pk
    return reverse(name, kwargs=kwargs)


def takeover(world, user):
    """A POST that would be valid for most forms, as if the outsider meant it."""
    return {
        "name": "Taken over", "kind": "standard", "status": "active", "owner": user.pk, "team_members": [user.pk],
        "birthday_calendar": "solar", "left_on": "2025-01-31", "role": "coach", "influence": 3, "support": 0,
        "contact_level": 3, "to_contact": world["colleague"].pk, "position": 9, "description": "Ours now",
        "decision": "approve", "note": "mine", "reason": "mine", "reviewed_on": "2025-01-31",
        "product": "Ours", "amount": "1.00", "signed_on": "2025-01-31",
    }


def test_the_walk_knows_every_account_and_contact_page():
    """A new page must be placed here (list page or object page) before the walk passes."""
    assert {"accounts:detail", "contacts:detail", "contacts:step-delete"} <= set(ROUTES)
    assert {name for name, params in ROUTES.items() if not params} == UNSCOPED
    assert {name for name, params in ROUTES.items() if "pk" in params} == set(PK_IS)
    assert POST_ONLY <= set(OBJECT_PAGES)


@pytest.mark.parametrize("name", OBJECT_PAGES)
def test_k05_the_owner_reaches_every_page_of_the_walk(client, manager, world, name):
    """The control: li gets each page, so the 404s below are about who asks, not wrong ids."""
    client.force_login(manager)
    expected = 405 if name in POST_ONLY else 403 if name in ADMIN_ONLY else 200
    assert client.get(path_of(name, world)).status_code == expected


@pytest.mark.parametrize("persona", ["outsider", "other_supervisor"])
@pytest.mark.parametrize("name", OBJECT_PAGES)
def test_k05_another_team_gets_404_on_every_object_page_and_changes_nothing(client, request, world, name, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    before = snapshot()
    path = path_of(name, world)

    assert client.get(path).status_code == (405 if name in POST_ONLY else 404), path
    assert client.post(path, takeover(world, user)).status_code == 404, path
    assert snapshot() == before


@pytest.mark.parametrize("persona", ["outsider", "other_supervisor"])
@pytest.mark.parametrize("name", LIST_PAGES)
def test_k05_another_team_lists_do_not_show_li_s_account(client, request, world, name, persona):
    client.force_login(request.getfixturevalue(persona))
    page = client.get(reverse(name))
    assert page.status_code == 200
    html = page.content.decode()
    for secret in ("Haier Secret Deal", "Zhou Boss", "Sun Cfo"):
        assert secret not in html


def test_k05_another_team_may_open_a_blank_account_form_that_offers_nothing_of_li_s(client, outsider, world):
    client.force_login(outsider)
    page = client.get(reverse("accounts:create"))
    assert page.status_code == 200
    assert "Haier Secret Deal" not in page.content.decode()


def test_k06_the_open_prospect_pool_is_visible_to_everyone_but_the_claim_is_not_theirs(client, outsider, world):
    """Why the protected object is li's own account: an unowned prospect is deliberately public."""
    client.force_login(outsider)
    assert client.get(reverse("accounts:detail", args=[world["prospect"].pk])).status_code == 200
    assert client.post(reverse("accounts:claim-withdraw", args=[world["claim"].pk])).status_code == 404
    assert ProspectClaim.objects.get(pk=world["claim"].pk).status == ProspectClaim.Status.PENDING


# --- Inside the team: look, but only the account team and the supervisor change ------

VIEW_PAGES = ["accounts:detail", "accounts:history", "contacts:org-chart", "contacts:self-questions",
              "contacts:detail", "contacts:history", "contacts:role-reviews"]
EDIT_PAGES = [
    "accounts:edit", "accounts:archive", "accounts:competitor-add", "accounts:order-add", "accounts:product-add",
    "accounts:competitor-edit", "accounts:order-delete", "contacts:create", "contacts:step-add",
    "contacts:edit", "contacts:left", "contacts:archive", "contacts:role-add", "contacts:relationship-add",
    "contacts:role-edit", "contacts:step-edit",
]


@pytest.mark.parametrize("name", VIEW_PAGES)
def test_k05_a_same_team_colleague_can_view_li_s_account(client, teammate, world, name):
    client.force_login(teammate)
    page = client.get(path_of(name, world))
    assert page.status_code == 200
    assert "Haier Secret Deal" in page.content.decode()


@pytest.mark.parametrize("name", EDIT_PAGES)
def test_k05_a_same_team_colleague_not_on_the_account_team_cannot_edit(client, teammate, world, name):
    client.force_login(teammate)
    before = snapshot()
    path = path_of(name, world)
    assert client.get(path).status_code == 403
    assert client.post(path, takeover(world, teammate)).status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("name", ["accounts:restore", "accounts:review-profile"])
def test_k05_a_same_team_colleague_cannot_post_account_actions(client, teammate, world, name):
    client.force_login(teammate)
    assert client.post(path_of(name, world)).status_code == 403


@pytest.mark.parametrize("name", EDIT_PAGES)
def test_k05_the_team_supervisor_opens_every_edit_page(client, supervisor, world, name):
    client.force_login(supervisor)
    assert client.get(path_of(name, world)).status_code == 200


def test_k05_the_team_supervisor_edits_li_s_account(client, supervisor, manager, world):
    client.force_login(supervisor)
    account = world["account"]
    response = client.post(reverse("accounts:edit", args=[account.pk]), {
        "name": "Haier Smart Home", "kind": "strategic", "status": "active", "owner": manager.pk,
    })
    assert response.status_code == 302
    account.refresh_from_db()
    assert (account.name, account.owner) == ("Haier Smart Home", manager)
