"""Issue 17, item 1: what the system writes for people — a low survey score's touch and complaint
(K-56, K-22), a care task's title and the touch its "done" logs (K-44), a task that closes itself,
the evaluation's sign-off states (K-55) — is kept as a key with parameters (core.written) and read
in the reader's language. Tier texts have their own test (tests/tiering)."""

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from care.models import CareTask
from care.services import care_task_done
from core.written import TEXTS, in_english, render, written
from plans import services as plans
from reports.analytics import Evaluation
from tests.factories import AccountFactory, ContactFactory
from visits.models import CustomerIssue, IssueUpdate, MonthlyLog, Visit

pytestmark = pytest.mark.django_db

CHINESE = ("zh-hans", "zh-hant")
NAMES = {"who": "周总", "respondent": "周总", "comments": "交货太慢", "occasion": "中秋节", "score": 2,
         "date": "2026-09-25", "step": "使用指导", "product": "伺服电机", "role": "决策者", "name": "二号工厂招标"}
# A Latin-script word of two letters or more: not expected in Chinese text except the names above.
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def latin_words(text):
    return LATIN_WORD.findall(str(text))


@pytest.fixture(scope="module", autouse=True)
def catalogs(django_db_blocker):
    with django_db_blocker.unblock():
        call_command("compilemessages", verbosity=0, ignore=[".venv"])


@pytest.mark.parametrize("language", CHINESE)
def test_every_generated_kind_reads_in_chinese_without_latin_words(language):
    """Every key any app declares (a new one is covered without anyone adding it here)."""
    assert {"plans.survey.low_score", "care.title.holiday", "care.outcome.cadence_closed",
            "visits.issue.logged"} <= set(TEXTS)
    with translation.override(language):
        for key in TEXTS:
            text = render(written(key, **NAMES))
            assert text and not latin_words(text), (key, text)
        for status in MonthlyLog.Status.values:
            label = Evaluation(1, "li", 0, 0, 0, 0, 0, 0, status, False, None).sign_off_label
            assert label and not latin_words(label), (status, label)


def test_simplified_and_traditional_differ_where_their_words_do():
    entry = written("plans.survey.purpose", score=2)
    with translation.override("zh-hans"):
        hans = render(entry)
    with translation.override("zh-hant"):
        hant = render(entry)
    assert "满意度调查" in hans and "滿意度調查" in hant
    assert in_english(entry) == "Satisfaction survey: 2 of 5"


@pytest.fixture
def account(manager):
    return AccountFactory(owner=manager, name="海尔")


def _page(client, user, url, language):
    client.force_login(user)
    client.cookies["django_language"] = language
    return client.get(url).content.decode()


@pytest.mark.parametrize("language", CHINESE)
def test_k56_a_low_score_typed_by_an_english_reader_reads_in_the_supervisor_s_chinese(
        client, manager, supervisor, account, language):
    with translation.override("en"):
        plans.survey_record(account=account, by=manager, taken_on=timezone.localdate(), respondent="周总",
                            score=2, comments="")
    visit, issue = Visit.objects.get(), CustomerIssue.objects.get()
    # The columns keep the English words (search, older readers); the page shows the reader's.
    assert visit.purpose == "Satisfaction survey: 2 of 5"
    assert "no comment given" in issue.description
    page = _page(client, supervisor, reverse("visits:detail", args=[visit.pk]), language)
    body = page[page.index("<main"):page.index("</main>")]
    for english in ("Satisfaction survey", "Low satisfaction score", "no comment given", "Account management",
                    "Logged with the visit", "answered the satisfaction survey"):
        assert english not in body
    with translation.override(language):
        for text in (visit.shown.purpose, visit.shown.summary, issue.shown.description,
                     IssueUpdate.objects.get().shown.note):
            assert text in body or text.split("。")[0] in body
            assert not latin_words(text)


def test_a_person_who_rewrites_a_generated_purpose_keeps_their_words(manager, account):
    plans.survey_record(account=account, by=manager, taken_on=timezone.localdate(), respondent="周总", score=1)
    visit = Visit.objects.get()
    from visits.services import visit_update

    visit_update(visit=visit, by=manager, version=visit.version, purpose="回访周总")
    visit.refresh_from_db()
    with translation.override("zh-hant"):
        assert visit.shown.purpose == "回访周总"
        assert "滿意度調查" in visit.shown.summary  # untouched, still the system's


@pytest.mark.parametrize("language", CHINESE)
def test_k44_the_touch_a_done_holiday_task_logs_is_titled_in_each_reader_s_language(manager, account, language):
    contact = ContactFactory(account=account, name="周总")
    task = CareTask.objects.create(
        kind=CareTask.Kind.HOLIDAY, account=account, contact=contact, owner=manager,
        due_on=timezone.localdate(), occasion="cn|Mid-Autumn Festival",
        occasion_names={"en": "Mid-Autumn Festival", "zh-hans": "中秋节", "zh-hant": "中秋節"})
    with translation.override("en"):
        care_task_done(task=task, by=manager, outcome="打了电话", channel="call")
    visit = Visit.objects.get()
    assert visit.purpose == "Holiday greeting (Mid-Autumn Festival): 周总"
    with translation.override(language):
        assert visit.shown.purpose == task.display_title
        assert not latin_words(visit.shown.purpose)


def test_k44_a_cadence_task_that_closes_itself_says_so_in_the_reader_s_language(manager, account):
    from care.services import cadence_tasks_generate

    task = CareTask.objects.create(kind=CareTask.Kind.CADENCE, account=account, owner=manager,
                                   due_on=timezone.localdate() - timedelta(days=3), occasion="2020-01-01")
    cadence_tasks_generate(today=timezone.localdate())  # no tier, nothing due: the reminder is kept no longer
    task.refresh_from_db()
    assert task.status == "done" and task.outcome == "Closed by itself: a qualifying touch was logged."
    with translation.override("zh-hant"):
        assert task.shown.outcome and not latin_words(task.shown.outcome)


@pytest.mark.parametrize("language", CHINESE)
def test_k55_the_evaluation_names_a_returned_month_in_the_reader_s_language(
        client, supervisor, manager, account, language):
    from visits.services import monthly_log_return, monthly_log_submit

    month = timezone.localdate().replace(day=1)
    plans.survey_record(account=account, by=manager, taken_on=timezone.localdate(), respondent="周总", score=2)
    log = monthly_log_submit(author=manager, month=month, by=manager)
    monthly_log_return(log=log, by=supervisor, reason="补上拜访内容")
    page = _page(client, supervisor, reverse("reports:evaluation"), language)
    assert "已退回" in page and ">returned<" not in page and "returned" not in page.split("<tbody>")[1]


def test_k22_the_due_complaint_s_notification_reads_in_the_manager_s_language(manager, account):
    from notifications.models import Notification
    from visits.services import issue_deadlines_notify

    plans.survey_record(account=account, by=manager, taken_on=timezone.localdate(), respondent="周总", score=1,
                        comments="")
    issue = CustomerIssue.objects.get()
    issue_deadlines_notify(now=issue.due_at - timedelta(hours=1))
    note = Notification.objects.get(recipient=manager)
    with translation.override("zh-hant"):
        assert "滿意度" in note.detail and not latin_words(note.detail)
    with translation.override("en"):
        assert note.detail.startswith("Low satisfaction score (1 of 5) from 周总")
