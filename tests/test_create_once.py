"""Idempotent creates (issue 15, item 8): every create form carries a one-time key made when it
is rendered (core/idempotency.py). The same form sent twice — a double click, a retry after an
answer that never arrived, a draft resent later — makes one row and shows the row it made; two
keys make two rows; two concurrent transactions with one key still make one (the unique claim)."""

import re
import threading
import uuid

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import OperationalError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Order
from care.models import CareTask
from contacts.models import Contact
from core.idempotency import AlreadySaved
from core.models import CreateKey
from tests.factories import AccountFactory, ContactFactory
from visits.models import CustomerIssue, IssueUpdate, Visit
from visits.services import visit_log

pytestmark = pytest.mark.django_db


def messages_of(response):
    return " ".join(str(message) for message in response.context["messages"])


def key_in(html):
    """The one-time key a rendered form carries."""
    return re.search(r'name="create_key" value="([0-9a-f-]{36})"', html).group(1)


@pytest.fixture
def account(manager):
    return AccountFactory(name="Haier", owner=manager)


def visit_post(account, key, **fields):
    return {"account": account.pk, "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "channel": "on_site", "purpose": "Delivery review", "summary": "Walked through the plan.",
            "customer_replied": "unknown", "create_key": key, "issues-TOTAL_FORMS": "1",
            "issues-INITIAL_FORMS": "0", "issues-0-kind": "complaint",
            "issues-0-description": "Spare parts arrive late.", **fields}


# --- the visit form (K-20, K-22) ----------------------------------------------------------------

def test_the_visit_form_carries_a_new_key_each_time_it_is_shown(client, manager, account):
    client.force_login(manager)
    first = key_in(client.get(reverse("visits:create")).content.decode())
    second = key_in(client.get(reverse("visits:create")).content.decode())
    assert first != second and uuid.UUID(first)


def test_the_same_visit_posted_twice_is_one_visit_and_the_second_answer_shows_it(client, manager, account):
    client.force_login(manager)
    key = key_in(client.get(reverse("visits:create") + f"?account={account.pk}").content.decode())

    first = client.post(reverse("visits:create"), visit_post(account, key))
    again = client.post(reverse("visits:create"), visit_post(account, key), follow=True)

    visit = Visit.objects.get()
    assert first.status_code == 302 and first.url == visit.get_absolute_url()
    assert again.redirect_chain == [(visit.get_absolute_url(), 302)]
    assert "Already saved" in messages_of(again)
    assert CustomerIssue.objects.count() == 1  # the issues logged with the visit are not doubled either
    # The page tells the browser which key is saved, so that its draft of the form goes (app.js).
    assert f'data-saved-key="{key}"' in again.content.decode()


def test_two_keys_are_two_visits(client, manager, account):
    client.force_login(manager)
    for _i in range(2):
        key = key_in(client.get(reverse("visits:create")).content.decode())
        assert client.post(reverse("visits:create"), visit_post(account, key)).status_code == 302
    assert Visit.objects.count() == 2


def test_a_post_without_a_key_or_with_a_mangled_one_still_saves(client, manager, account):
    """An older page or a script: the protection is lost, the visit is not."""
    client.force_login(manager)
    for key in ("", "not-a-uuid"):
        response = client.post(reverse("visits:create"), visit_post(account, key))
        assert response.status_code == 302, key
    # A NUL anywhere in a form is refused before the view (core.middleware.RejectNulMiddleware).
    assert client.post(reverse("visits:create"), visit_post(account, "\x00")).status_code == 400
    assert Visit.objects.count() == 2 and not CreateKey.objects.exists()


def test_a_refused_visit_leaves_its_key_free_for_the_corrected_form(client, manager, account):
    client.force_login(manager)
    key = str(uuid.uuid4())
    refused = client.post(reverse("visits:create"), visit_post(account, key, summary=""))
    assert refused.status_code == 200 and key_in(refused.content.decode()) == key  # re-rendered with it

    saved = client.post(reverse("visits:create"), visit_post(account, key))
    assert saved.status_code == 302 and Visit.objects.count() == 1


def test_someone_elses_key_shows_them_nothing_and_makes_nothing(client, manager, teammate, account):
    key = uuid.uuid4()
    visit_log(key=key, account=account, by=manager, occurred_at=timezone.now(), channel="phone",
              purpose="Call", summary="Volumes.")
    account.memberships.create(user=teammate)
    client.force_login(teammate)

    response = client.post(reverse("visits:create"), visit_post(account, str(key)), follow=True)

    assert response.redirect_chain[-1][0] == reverse("visits:list")
    assert "already sent" in messages_of(response)
    assert Visit.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_concurrent_double_submit_is_still_one_visit(manager):
    """Two transactions with one key: the second waits at the claim until the first commits,
    then finds its visit. (Without the unique claim both would insert.)"""
    account = AccountFactory(owner=manager)
    key = uuid.uuid4()
    fields = {"account": account, "by": manager, "occurred_at": timezone.now(), "channel": "phone",
              "purpose": "Call", "summary": "Volumes."}
    first_saved, commit, second_done = threading.Event(), threading.Event(), threading.Event()
    outcome = {}

    def first():
        try:
            with transaction.atomic():
                outcome["first"] = visit_log(key=key, **fields)
                first_saved.set()
                commit.wait(10)
        finally:
            connection.close()

    def second():
        first_saved.wait(10)
        try:
            visit_log(key=key, **fields)
            outcome["second"] = "made another"
        except AlreadySaved as done:
            outcome["second"] = done.object
        finally:
            second_done.set()
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    assert first_saved.wait(10)
    assert not second_done.wait(1), "the second request did not wait for the first one's commit"
    commit.set()
    for thread in threads:
        thread.join(10)

    assert Visit.objects.count() == 1
    assert outcome["second"] == outcome["first"]


# --- contacts, orders, care "done", issue follow-ups ------------------------------------------

def test_the_same_new_contact_posted_twice_is_one_contact(client, manager, account):
    client.force_login(manager)
    url = reverse("contacts:create", args=[account.pk])
    key = key_in(client.get(url).content.decode())
    data = {"name": "Sun", "birthday_calendar": "solar", "create_key": key}

    client.post(url, data)
    again = client.post(url, data, follow=True)

    contact = Contact.objects.get(account=account)
    assert again.redirect_chain == [(contact.get_absolute_url(), 302)]
    assert "Already saved" in messages_of(again)
    client.post(url, {**data, "create_key": key_in(client.get(url).content.decode())})
    assert Contact.objects.filter(account=account).count() == 2  # a new form, a new key: a second Sun


def test_the_same_order_posted_twice_counts_its_value_once(client, manager, account):
    client.force_login(manager)
    url = reverse("accounts:order-add", args=[account.pk])
    key = key_in(client.get(url).content.decode())
    data = {"signed_on": "2026-03-01", "product": "MES", "amount": "120000", "create_key": key}

    first = client.post(url, data)
    again = client.post(url, data, follow=True)

    assert first.status_code == 302
    assert again.redirect_chain == [(account.get_absolute_url(), 302)]
    assert "Already saved" in messages_of(again)
    assert [o.amount for o in Order.objects.filter(account=account)] == [120000]
    assert not key_in_or_none(client.get(reverse("accounts:order-edit", args=[account.pk, Order.objects.get().pk])))


def key_in_or_none(response):
    return re.search(r'name="create_key"', response.content.decode())


def test_a_care_task_done_twice_is_done_once_with_one_touch_and_no_error(client, manager, account):
    contact = ContactFactory(account=account)
    task = CareTask.objects.create(kind="birthday", account=account, contact=contact, occasion="2026-03-10",
                                   owner=manager, due_on=timezone.localdate(), channel="call")
    client.force_login(manager)
    key = key_in(client.get(reverse("care:home")).content.decode())
    data = {"outcome": "Called her.", "channel": "call", "create_key": key}

    client.post(reverse("care:task-done", args=[task.pk]), data)
    again = client.post(reverse("care:task-done", args=[task.pk]), data, follow=True)

    # Before the key the second answer was an error ("already closed") for work that was done.
    assert "Already saved" in messages_of(again) and "already closed" not in messages_of(again)
    assert Visit.objects.filter(account=account).count() == 1  # the call counted once as a touch
    task.refresh_from_db()
    assert task.status == "done"


def test_each_task_on_the_care_page_has_its_own_key(client, manager, account):
    for day in ("2026-03-10", "2026-03-11"):
        CareTask.objects.create(kind="birthday", account=account, contact=ContactFactory(account=account),
                                occasion=day, owner=manager, due_on=timezone.localdate(), channel="call")
    client.force_login(manager)
    keys = re.findall(r'name="create_key" value="([0-9a-f-]{36})"', client.get(reverse("care:home")).content.decode())
    assert len(keys) == 2 and len(set(keys)) == 2


def test_the_same_issue_follow_up_posted_twice_is_one_update(client, manager, account):
    visit = visit_log(account=account, by=manager, occurred_at=timezone.now(), channel="phone", purpose="Call",
                      summary="Volumes.", issues=[{"kind": "request", "description": "Price list."}])
    issue = CustomerIssue.objects.get()
    client.force_login(manager)
    key = key_in(client.get(visit.get_absolute_url()).content.decode())
    data = {"status": "in_progress", "note": "Asked sales.", "create_key": key}

    client.post(reverse("visits:issue-follow-up", args=[issue.pk]), data)
    again = client.post(reverse("visits:issue-follow-up", args=[issue.pk]), data, follow=True)

    assert again.redirect_chain == [(visit.get_absolute_url(), 302)]
    assert "Already saved" in messages_of(again)
    assert IssueUpdate.objects.filter(issue=issue, note="Asked sales.").count() == 1


# --- a response does not fail after its commit (REL-1) --------------------------------------------

@pytest.fixture
def session_store_down(monkeypatch):
    """Call it to make the database go away when the session is saved, after the view committed."""
    def refuse(self, must_create=False):
        raise OperationalError("server closed the connection unexpectedly")
    return lambda: monkeypatch.setattr(SessionStore, "save", refuse)


def test_a_visit_saved_before_the_session_store_fails_is_answered_as_saved(client, manager, account,
                                                                           session_store_down):
    client.force_login(manager)
    session_store_down()
    response = client.post(reverse("visits:create"), visit_post(account, str(uuid.uuid4())))
    assert response.status_code == 302
    assert response.url == Visit.objects.get().get_absolute_url()


def test_a_login_whose_session_cannot_be_saved_is_still_an_error(client, manager, session_store_down):
    """A changed session (here a login) that was not stored must not look done."""
    manager.set_password("a long passphrase")
    manager.save()
    session_store_down()
    with pytest.raises(OperationalError):
        client.post(reverse("login"), {"username": manager.username, "password": "a long passphrase"})


@pytest.mark.django_db(transaction=True)
def test_an_event_whose_after_commit_work_fails_is_answered_as_saved(client, manager, monkeypatch):
    """Work queued after the commit is robust: it runs once the event is saved, so its failure
    is logged, not shown as an error for a row that exists (the nightly job makes its tasks)."""
    from care import services as care_services
    from care.models import Event

    def broken(**_kwargs):
        raise OperationalError("server closed the connection unexpectedly")
    monkeypatch.setattr(care_services, "event_tasks_generate", broken)
    account = AccountFactory(owner=manager)
    client.force_login(manager)

    response = client.post(reverse("care:event-add") + f"?account={account.pk}",
                           {"kind": "major_event", "title": "Store opening",
                            "date": timezone.localdate().isoformat()})

    assert response.status_code == 302
    assert Event.objects.filter(account=account).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_visit_whose_database_goes_away_right_after_its_commit_is_answered_as_saved(
        client, manager, teammate, monkeypatch):
    """The database-restart fault in one request: the visit commits, then every query fails. The
    answer is still the saved visit, with its overlap warning (read before the commit) and without
    the session refresh (skipped), so the user has no reason to log it again."""
    from visits import views as visit_views

    account = AccountFactory(owner=manager)
    account.memberships.create(user=teammate)
    contact = ContactFactory(account=account, name="Zhou Min")
    visit_log(account=account, by=teammate, contacts=[contact], occurred_at=timezone.now(), channel="phone",
              purpose="Call", summary="Volumes.")
    client.force_login(manager)

    def gone(execute, sql, params, many, context):
        raise OperationalError("terminating connection due to administrator command")

    def log_then_lose_the_database(**kwargs):
        visit = visit_log(**kwargs)
        connection.execute_wrappers.append(gone)
        return visit
    monkeypatch.setattr(visit_views.services, "visit_log", log_then_lose_the_database)
    try:
        response = client.post(reverse("visits:create"), visit_post(account, str(uuid.uuid4()),
                                                                    contacts=[contact.pk]))
    finally:
        connection.execute_wrappers.clear()

    assert response.status_code == 302
    visit = Visit.objects.get(author=manager)
    assert response.url == visit.get_absolute_url()
    shown = messages_of(client.get(response.url))  # the database is back
    assert "Visit logged." in shown and "also touched Zhou Min" in shown
