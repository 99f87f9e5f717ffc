"""seed_demo shows every part of issue 10: plans in draft and approved states,
the question bank, a prepared and held visit, surveys with a low score followed up, a referral."""

import pytest
from django.core.management import call_command

from plans.models import AccountPlan, BankQuestion, PlannedVisit, Referral, SatisfactionSurvey

pytestmark = pytest.mark.django_db


def seed():
    call_command("seed_demo", "--seed", "3", stdout=open("/dev/null", "w"))


def test_demo_has_plans_in_draft_and_approved_states_with_a_year_of_visits():
    seed()
    assert set(AccountPlan.objects.values_list("status", flat=True)) == {"draft", "approved"}
    approved = AccountPlan.objects.get(status="approved")
    assert approved.planned_visits.count() == 12 and approved.goals.count() == 4
    assert PlannedVisit.objects.filter(prepared_at__isnull=False, questions__isnull=False).exists()
    assert BankQuestion.objects.values("category").distinct().count() == 4


def test_demo_has_surveys_a_followed_up_low_score_and_a_referral():
    seed()
    low = SatisfactionSurvey.objects.get(score__lte=2)
    assert low.issue is not None and low.issue.owner == low.account.owner
    assert Referral.objects.filter(status="received", brought_account__isnull=False).exists()


def test_seeding_twice_adds_no_plans_or_surveys():
    seed()
    counts = (AccountPlan.objects.count(), PlannedVisit.objects.count(), SatisfactionSurvey.objects.count(),
              BankQuestion.objects.count(), Referral.objects.count())
    seed()
    assert (AccountPlan.objects.count(), PlannedVisit.objects.count(), SatisfactionSurvey.objects.count(),
            BankQuestion.objects.count(), Referral.objects.count()) == counts
