"""Issue 18, events: what waits for a supervisor's decision (tier proposals K-32, prospect claims
K-06) tells the supervisor, and the decision tells the manager — each once per occurrence."""

import pytest

from accounts.services import prospect_claim_decide, prospect_claim_file
from notifications.models import Notification
from tests.factories import AccountFactory, ProspectFactory, tender_at
from tiering.models import TierProposal
from tiering.services import tier_evaluate, tier_proposal_decide

pytestmark = pytest.mark.django_db


def told(user):
    return [(n.kind, n.text, n.detail) for n in Notification.objects.filter(recipient=user).order_by("pk")]


def test_k06_a_claim_tells_the_supervisor_and_the_decision_the_manager(manager, supervisor):
    prospect = ProspectFactory(name="Midea")
    claim = prospect_claim_file(account=prospect, by=manager, reason="I met their CIO")
    assert told(supervisor) == [("to_decide", f"{manager} claims the prospect Midea", "I met their CIO")]

    prospect_claim_decide(claim=claim, by=supervisor, approve=True, note="Go ahead.")
    assert told(manager) == [("decided", f"{supervisor} approved your claim on Midea", "Go ahead.")]
    assert Notification.objects.get(recipient=manager).link == f"/accounts/{prospect.pk}/"


def test_k06_a_rejected_claim_says_so(manager, supervisor):
    claim = prospect_claim_file(account=ProspectFactory(name="Gree"), by=manager)
    prospect_claim_decide(claim=claim, by=supervisor, approve=False, note="Chen already works with them.")
    assert told(manager) == [("decided", f"{supervisor} rejected your claim on Gree", "Chen already works with them.")]


def test_k32_the_supervisor_hears_of_waiting_proposals_once_a_day_and_the_manager_of_the_decision(
        manager, supervisor, default_tiers):
    haier = AccountFactory(name="Haier", owner=manager)
    tier_evaluate()  # first tiers: nothing to decide
    assert told(supervisor) == []
    tender_at(haier)
    tier_evaluate()
    tier_evaluate()  # the nightly job ran again
    assert told(supervisor) == [("to_decide", "1 tier proposal waits for your decision", "")]

    proposal = TierProposal.objects.get(account=haier, status="pending")
    tier_proposal_decide(proposal=proposal, by=supervisor, approve=True, note="The tender is real.")
    assert told(manager) == [("decided", f"{supervisor} approved tier {proposal.to_tier.code} for Haier",
                              "The tender is real.")]
