"""Issue 14.6 and issue 25.4: the satisfaction-survey import on the import framework (K-56), who
becomes responsible for an account an admin imports (K-05, K-06), and what a finished import shows."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Account
from plans.models import SatisfactionSurvey
from tests.factories import AccountFactory
from tests.imports.test_imports import csv_file, import_file, outcomes
from visits.models import CustomerIssue

pytestmark = pytest.mark.django_db

SURVEYS_CSV = (
    "客户名称,日期,受访人,评分,意见\n"
    "海尔集团,2026年3月2日,周敏,5,响应很快\n"
    "海尔集团,2026/3/9,孙丽,1,交货太慢\n"
)


@pytest.fixture(autouse=True)
def march_2026():
    with time_machine.travel(datetime(2026, 3, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


@pytest.fixture
def haier(manager):
    return AccountFactory(owner=manager, name="海尔集团")


def test_k56_a_gbk_survey_file_runs_dry_then_records_each_survey_and_a_low_score_opens_an_issue(client, manager,
                                                                                                 haier):
    client.force_login(manager)
    job = import_file(client, "surveys", csv_file(SURVEYS_CSV, encoding="gbk"))
    assert (job.detected_encoding, job.status, job.created_count, job.error_count) == ("gb18030", "checked", 2, 0)
    assert not SatisfactionSurvey.objects.exists()  # the dry run writes nothing

    client.post(reverse("imports:apply", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == "applied"
    surveys = SatisfactionSurvey.objects.order_by("taken_on")
    assert [(s.respondent, s.taken_on.isoformat(), s.score, s.source) for s in surveys] == [
        ("周敏", "2026-03-02", 5, "import"), ("孙丽", "2026-03-09", 1, "import")]
    issue = CustomerIssue.objects.get()
    assert (issue.account, issue.owner, surveys[1].issue) == (haier, manager, issue)

    again = import_file(client, "surveys", csv_file(SURVEYS_CSV))
    assert outcomes(again) == [(2, "skip"), (3, "skip")]  # the same file twice records nothing twice


def test_k56_each_bad_survey_row_is_named_and_nothing_is_imported(client, manager, haier, outsider):
    AccountFactory(owner=outsider, name="别家公司")
    client.force_login(manager)
    job = import_file(client, "surveys", csv_file(
        "account,date,respondent,score\n"
        "海尔集团,2026-03-02,周敏,5\n"
        "海尔集团,31/13/2025,孙丽,9\n"
        "别家公司,2026-03-02,王,3\n"
        "海尔集团,2026-04-01,,4\n"))
    assert outcomes(job) == [(2, "create"), (3, "error"), (4, "error"), (5, "error")]
    messages = dict(job.rows.values_list("line", "message"))
    assert "Date" in messages[3] and "Score: a whole number from 1 to 5." in messages[3]
    assert "no account named “别家公司” that you can change" in messages[4]
    assert "Respondent is required." in messages[5] and "cannot be dated in the future" in messages[5]
    assert not job.can_apply
    client.post(reverse("imports:apply", args=[job.pk]))
    assert not SatisfactionSurvey.objects.exists()


def test_k05_an_admins_row_without_a_manager_leaves_a_prospect_unassigned_and_refuses_a_customer(client, admin,
                                                                                                  manager):
    client.force_login(admin)
    job = import_file(client, "accounts", csv_file(
        "name,status,owner\nNew Lead Co,prospect,\nBig Customer Co,active,\nSilent Co,,\nNamed Co,active,li\n"))
    assert outcomes(job) == [(2, "create"), (3, "error"), (4, "error"), (5, "create")]
    assert "Responsible manager is required" in job.rows.get(line=3).message
    assert "Responsible manager is required" in job.rows.get(line=4).message  # the default status is active


def test_k06_an_admins_prospect_without_a_manager_is_open_to_claims_not_the_admins(client, admin, manager):
    client.force_login(admin)
    job = import_file(client, "accounts", csv_file("name,status,owner\nNew Lead Co,prospect,\nNamed Co,active,li\n"))
    client.post(reverse("imports:apply", args=[job.pk]))
    assert dict(Account.objects.values_list("name", "owner")) == {"New Lead Co": None, "Named Co": manager.pk}
    assert Account.objects.get(name="New Lead Co") in Account.objects.visible_to(manager)  # the claimable pool


def test_a_finished_import_says_created_and_links_each_row_to_its_record(client, manager, haier):
    client.force_login(manager)
    job = import_file(client, "accounts", csv_file("name,industry\n海尔集团,家电\nNew Co,Tools\n"))
    page = client.get(job.get_absolute_url()).content.decode()
    assert "to create" in page and "to update" in page and ">created<" not in page

    client.post(reverse("imports:apply", args=[job.pk]))
    page = client.get(job.get_absolute_url() + "?outcome=").content.decode()
    assert ">created<" in page and ">updated<" in page and "to create" not in page
    assert ">Created<" in page and ">Updated<" in page  # each row's badge too
    new = Account.objects.get(name="New Co")
    assert f'href="{new.get_absolute_url()}"' in page and f'href="{haier.get_absolute_url()}"' in page

    surveys = import_file(client, "surveys", csv_file(SURVEYS_CSV))
    client.post(reverse("imports:apply", args=[surveys.pk]))
    rows = client.get(surveys.get_absolute_url() + "?outcome=create").context["page_obj"]
    assert {row.record_url for row in rows} == {reverse("plans:satisfaction", args=[haier.pk])}
