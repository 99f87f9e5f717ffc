"""Issue 18, events: each sign-off step and each overlap tells the right people, once per
occurrence; the returned month shows its reason at the top with a Resubmit button (K-21, K-24).
E-mails are counted at a real local SMTP server."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccountTeamMember
from core import outbox
from notifications.models import Notification
from tests.factories import AccountFactory, ContactFactory
from visits.models import MonthlyLog
from visits.services import monthly_log_approve, monthly_log_return, monthly_log_submit, visit_log

pytestmark = pytest.mark.django_db


def this_month():
    return timezone.localdate().replace(day=1)


def sweep():
    return outbox.outbox_sweep(now=timezone.now() + timedelta(minutes=2))


def told(user):
    return [(n.kind, n.text, n.detail, n.link) for n in Notification.objects.filter(recipient=user)]


def test_k21_a_returned_month_tells_the_manager_with_the_reason_and_a_link_to_the_month(
        manager, supervisor, smtp_receiver):
    log = monthly_log_submit(author=manager, month=this_month(), by=manager)
    monthly_log_return(log=log, by=supervisor, reason="Name the contacts you met.")

    month = f"{this_month():%Y-%m}"
    link = reverse("visits:sign-off-review", args=[log.pk])
    assert told(manager) == [("log_returned", f"{supervisor} returned your visit log for {month}",
                              "Name the contacts you met.", link)]
    assert told(supervisor) == [("log_submitted", f"{manager} submitted the visit log for {month}", "", link)]
    assert sweep() == 1  # the return is e-mailed by default, the submission only shown in the app
    assert smtp_receiver.to() == [manager.email]
    assert "Name the contacts you met." in smtp_receiver.bodies()[0] and link in smtp_receiver.bodies()[0]


def test_k21_each_step_is_told_once_and_a_resubmission_is_a_new_occurrence(manager, supervisor):
    log = monthly_log_submit(author=manager, month=this_month(), by=manager)
    monthly_log_return(log=log, by=supervisor, reason="Add the Haier visit.")
    monthly_log_submit(author=manager, month=this_month(), by=manager)
    log.refresh_from_db()
    monthly_log_approve(log=log, by=supervisor, overall_comment="Good month.")

    assert [k for k, *_ in told(supervisor)] == ["log_submitted", "log_submitted"]
    assert sorted(k for k, *_ in told(manager)) == ["log_approved", "log_returned"]
    assert Notification.objects.get(kind="log_approved").detail == "Good month."


def test_k21_the_manager_reads_the_reason_at_the_top_of_the_month_and_resubmits_there(client, manager, supervisor):
    log = monthly_log_submit(author=manager, month=this_month(), by=manager)
    monthly_log_return(log=log, by=supervisor, reason="Name the contacts you met.")
    client.force_login(manager)

    dashboard = client.get(reverse("home")).content.decode()
    assert f'id="returned-{this_month():%Y-%m}"' in dashboard
    page = client.get(reverse("visits:sign-off-review", args=[log.pk])).content.decode()
    top = page.split('id="returned-reason"')[1].split("</div>")[0]
    assert "Name the contacts you met." in top and "Resubmit" in top

    response = client.post(reverse("visits:sign-off-submit"), {"month": f"{this_month():%Y-%m}", "back": "review"})
    assert response["Location"] == reverse("visits:sign-off-review", args=[log.pk])
    log.refresh_from_db()
    assert log.status == MonthlyLog.Status.SUBMITTED
    assert [k for k, *_ in told(supervisor)] == ["log_submitted", "log_submitted"]
    page = client.get(reverse("visits:sign-off-review", args=[log.pk])).content.decode()
    assert 'id="returned-reason"' not in page  # the reason is history now, on the trail


def test_k21_the_supervisor_sees_the_reason_but_no_resubmit_button(client, manager, supervisor):
    log = monthly_log_submit(author=manager, month=this_month(), by=manager)
    monthly_log_return(log=log, by=supervisor, reason="Name the contacts you met.")
    client.force_login(supervisor)
    top = client.get(reverse("visits:sign-off-review", args=[log.pk])).content.decode().split(
        'id="returned-reason"')[1].split("</div>")[0]
    assert "Name the contacts you met." in top and "Resubmit" not in top


def test_k24_both_managers_are_told_of_an_overlap_and_only_the_other_one_by_e_mail(
        manager, teammate, smtp_receiver):
    account = AccountFactory(owner=manager)
    AccountTeamMember.objects.create(account=account, user=teammate)
    contact = ContactFactory(account=account, name="Zhou Min")
    mine = visit_log(account=account, by=manager, contacts=[contact], channel="on_site",
                     occurred_at=timezone.now() - timedelta(days=3), purpose="Review", summary="Plan.")
    theirs = visit_log(account=account, by=teammate, contacts=[contact], channel="phone",
                       occurred_at=timezone.now(), purpose="Call", summary="Volumes.")

    [(kind, text, detail, link)] = told(manager)
    assert (kind, text, link) == ("overlap", f"{teammate} also met Zhou Min", f"/visits/{theirs.pk}/")
    assert "Talk before you both call again." in detail
    [(kind, text, _detail, link)] = told(teammate)
    assert kind == "overlap" and str(manager) in text and link == f"/visits/{mine.pk}/"
    assert sweep() == 1 and sweep() == 0
    assert smtp_receiver.to() == [manager.email]
