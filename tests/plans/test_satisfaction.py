"""K-56: satisfaction surveys per account against a 90% target; a low score
becomes a customer issue owned by the account's manager (K-22); satisfied
customers are asked for referrals, tracked to the accounts they brought."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from plans import services
from plans.models import Referral, SatisfactionSurvey
from plans.selectors import satisfaction_trend
from tests.clock import DAY
from tests.factories import AccountFactory, ProspectFactory
from visits.models import CustomerIssue

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_day")]

TODAY = DAY



@pytest.fixture
def account(manager):
    return AccountFactory(owner=manager, name="Haier")


def record(account, by, score, days_ago=0, respondent="Zhou"):
    return services.survey_record(account=account, by=by, taken_on=TODAY - timedelta(days=days_ago),
                                  respondent=respondent, score=score, comments="Slow delivery")


def test_k56_a_low_score_becomes_a_complaint_for_the_account_s_manager(client, supervisor, manager, account):
    """Whoever types it in (here the supervisor), the manager follows it through."""
    client.force_login(supervisor)
    response = client.post(reverse("plans:satisfaction", args=[account.pk]),
                           {"taken_on": TODAY.isoformat(), "respondent": "Zhou", "score": 2, "comments": "Late"})
    assert response.status_code == 302
    issue = CustomerIssue.objects.get()
    assert (issue.owner, issue.kind, issue.account) == (manager, "complaint", account)
    assert "Late" in issue.description
    assert SatisfactionSurvey.objects.get().issue == issue
    assert issue.due_at - issue.created_at < timedelta(hours=25)  # complaints: 24 hours (K-22)


def test_k56_a_neutral_or_good_score_opens_no_issue(manager, account):
    record(account, manager, 3)
    record(account, manager, 5)
    assert not CustomerIssue.objects.exists()


def test_k56_the_trend_shows_the_satisfied_share_per_month_against_the_target(client, manager, account):
    for score in (5, 4, 4, 2):
        record(account, manager, score)
    record(account, manager, 5, days_ago=400)  # outside the twelve months
    trend = satisfaction_trend(account.satisfaction_surveys.all())
    assert len(trend) == 12
    assert (trend[-1].surveys, trend[-1].percent, trend[-1].on_target) == (4, 75, False)
    client.force_login(manager)
    page = client.get(reverse("plans:satisfaction", args=[account.pk]))
    assert page.context["total"].percent == 75 and page.context["target"] == 90


def test_k56_the_team_overview_lists_the_least_satisfied_accounts_first(client, supervisor, manager, outsider):
    happy, unhappy = AccountFactory(owner=manager, name="Happy"), AccountFactory(owner=manager, name="Unhappy")
    theirs = AccountFactory(owner=outsider, name="Theirs")
    record(happy, manager, 5)
    record(unhappy, manager, 3)
    record(theirs, outsider, 1)
    client.force_login(supervisor)
    page = client.get(reverse("plans:satisfaction-overview"))
    assert [a.name for a in page.context["rows"]] == ["Unhappy", "Happy"]
    assert page.context["total"].surveys == 2


def test_k56_a_survey_is_not_dated_in_the_future(manager, account):
    with pytest.raises(ValidationError):
        record(account, manager, 4, days_ago=-2)


def test_k56_a_teammate_reads_satisfaction_but_does_not_record_it(client, teammate, account, manager):
    record(account, manager, 4)
    client.force_login(teammate)
    page = client.get(reverse("plans:satisfaction", args=[account.pk]))
    assert page.status_code == 200 and not page.context["can_edit"]
    assert client.post(reverse("plans:satisfaction", args=[account.pk]),
                       {"taken_on": TODAY.isoformat(), "respondent": "x", "score": 1}).status_code == 403
    assert SatisfactionSurvey.objects.count() == 1


def test_k56_the_import_button_opens_the_spreadsheet_import_with_surveys_chosen(client, manager, outsider, account):
    """The survey import runs on the import framework (tests/imports/test_survey_import.py)."""
    client.force_login(manager)
    response = client.get(reverse("plans:satisfaction-import", args=[account.pk]))
    assert response.url == reverse("imports:list") + "?kind=surveys"
    assert client.get(response.url).context["form"]["kind"].value() == "surveys"
    client.force_login(outsider)
    assert client.get(reverse("plans:satisfaction-import", args=[account.pk])).status_code == 404


def test_k56_a_satisfied_customer_is_asked_for_a_referral_tracked_to_the_account_it_brought(client, manager,
                                                                                          account):
    survey = record(account, manager, 5)
    client.force_login(manager)
    page = client.get(reverse("plans:satisfaction", args=[account.pk]))
    assert "Ask for a referral" in page.content.decode()
    client.post(reverse("plans:referral-ask", args=[account.pk]), {"survey": survey.pk})
    referral = Referral.objects.get()
    assert (referral.account, referral.survey, referral.status) == (account, survey, "asked")

    brought = ProspectFactory(name="Midea")
    page = client.post(reverse("plans:referral-edit", args=[referral.pk]), {"status": "received"})
    assert "Name whom they referred" in str(page.context["form"].errors["referred_name"])
    client.post(reverse("plans:referral-edit", args=[referral.pk]),
                {"status": "received", "brought_account": brought.pk})
    referral.refresh_from_db()
    assert referral.brought_account == brought
    assert "Haier" in client.get(reverse("plans:satisfaction", args=[brought.pk])).content.decode()


@pytest.mark.parametrize("n", [1, 10])
def test_k56_satisfaction_pages_have_fixed_query_counts(client, manager, account, n, django_assert_max_num_queries):
    for i in range(n):
        record(account, manager, 1 + i % 5, days_ago=i * 20)
        other = AccountFactory(owner=manager)
        record(other, manager, 4)
        Referral.objects.create(account=account, asked_on=TODAY, created_by=manager, status="received",
                                brought_account=other)
    client.force_login(manager)
    # 5 per request; account, may li record, the trend, count, one page of surveys with issue and
    # visit, referrals with the accounts they brought, who referred this account; the bell
    with django_assert_max_num_queries(13):
        assert client.get(reverse("plans:satisfaction", args=[account.pk])).status_code == 200
    # 5 per request; the trend, count, one page of accounts with their shares, the team filter's teams;
    # the bell's unread COUNT
    with django_assert_max_num_queries(10):
        assert client.get(reverse("plans:satisfaction-overview")).status_code == 200
