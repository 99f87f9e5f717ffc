"""The notification centre (issue 18): one notification per person per occurrence, rendered in
the reader's language when shown, the bell, the /notifications/ page, and preferences per
kind × channel with quiet hours. E-mails are counted at a real local SMTP server."""

from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core import outbox
from core.models import OutboxMessage
from notifications.models import Kind, Notification, Preference, QuietHours
from notifications.services import notification_preferences_save, notify, quiet_until

pytestmark = pytest.mark.django_db


def returned(manager, supervisor, key="signoff:1", reason="Add the Haier visit of the 12th."):
    return notify(recipients=[manager], kind=Kind.LOG_RETURNED, key="log.returned", dedupe_key=key,
                  params={"by": supervisor, "month": "2026-10", "detail": reason}, link="/visits/sign-off/")


def sweep_later(minutes=2):
    return outbox.outbox_sweep(now=timezone.now() + timedelta(minutes=minutes))


def test_an_occurrence_notifies_each_person_once_however_often_it_is_reported(manager, supervisor, smtp_receiver):
    assert returned(manager, supervisor) == [manager]
    assert returned(manager, supervisor) == []  # the job ran again, a task was redelivered
    assert Notification.objects.filter(recipient=manager).count() == 1
    assert sweep_later() == 1 and sweep_later(60) == 0
    assert smtp_receiver.to() == [manager.email]
    [subject] = smtp_receiver.subjects()
    assert subject == f"{supervisor} returned your visit log for 2026-10"
    assert "Add the Haier visit of the 12th." in smtp_receiver.bodies()[0]


def test_the_text_is_rendered_in_the_readers_language_when_shown_not_frozen(client, manager, supervisor):
    returned(manager, supervisor)
    client.force_login(manager)
    english = client.get(reverse("notifications:list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"{supervisor} returned your visit log for 2026-10" in english
    chinese = client.get(reverse("notifications:list"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "returned your visit log" not in chinese and str(supervisor) in chinese and "2026-10" in chinese
    assert Notification.objects.get().message_key == "log.returned"


def test_the_email_is_in_the_recipients_language(manager, supervisor, smtp_receiver):
    manager.language = "zh-hant"
    manager.save()
    returned(manager, supervisor)
    sweep_later()
    [subject] = smtp_receiver.subjects()
    assert "returned" not in subject and "2026-10" in subject


def test_defaults_then_preferences_choose_the_channels(manager, supervisor, smtp_receiver):
    notify(recipients=[manager], kind=Kind.LOG_APPROVED, key="log.approved", dedupe_key="a:1",
           params={"by": supervisor, "month": "2026-09"})
    assert not OutboxMessage.objects.exists()  # approvals: in the app only, by default

    choices = {("log_returned", "email"): False, ("log_approved", "email"): True}
    notification_preferences_save(user=manager, choices=choices)
    returned(manager, supervisor)
    notify(recipients=[manager], kind=Kind.LOG_APPROVED, key="log.approved", dedupe_key="a:2",
           params={"by": supervisor, "month": "2026-10"})
    assert [m.dedupe_key for m in OutboxMessage.objects.all()] == [f"n:a:2:{manager.pk}:email"]
    assert Notification.objects.filter(recipient=manager).count() == 3  # in the app always, by default
    assert set(Preference.objects.values_list("kind", "channel", "enabled")) == {
        ("log_returned", "email", False), ("log_approved", "email", True)}  # only what differs is kept


def test_in_quiet_hours_the_email_waits_until_they_end(manager, supervisor, smtp_receiver, settings):
    QuietHours.objects.create(user=manager, starts=time(22, 0), ends=time(7, 0))
    night = timezone.make_aware(datetime(2026, 10, 20, 23, 30))
    morning = timezone.make_aware(datetime(2026, 10, 21, 7, 0))
    assert quiet_until(QuietHours.objects.get(), night) == morning
    assert quiet_until(QuietHours.objects.get(), night.replace(hour=3)) == morning.replace(day=20)
    assert quiet_until(QuietHours.objects.get(), night.replace(hour=12)) is None

    import time_machine
    with time_machine.travel(night, tick=False):
        returned(manager, supervisor)
        assert outbox.outbox_sweep(now=night + timedelta(hours=1)) == 0
        [message] = OutboxMessage.objects.all()
        assert message.next_attempt_at == morning
        assert outbox.outbox_sweep(now=morning) == 1
    assert len(smtp_receiver.messages) == 1
    assert Notification.objects.filter(recipient=manager).count() == 1  # the bell is silent: it arrives at once


def test_inactive_people_are_not_notified(manager, supervisor):
    manager.is_active = False
    manager.save()
    assert returned(manager, supervisor) == []


# --- The bell and the page ----------------------------------------------------------------------------------

def test_the_bell_shows_the_unread_count_with_one_query(client, manager, supervisor, django_assert_num_queries):
    returned(manager, supervisor, key="s:1")
    returned(manager, supervisor, key="s:2")
    client.force_login(manager)
    page = client.get(reverse("notifications:settings")).content.decode()
    bell = page.split('id="bell"')[1].split("</a>")[0]
    assert ">2</span>" in bell and "Notifications: 2 unread" in bell

    # session, user, preferences, quiet hours, the bell's COUNT (the session's expiry was pushed
    # by the first page: at most once a minute, issue 19)
    with django_assert_num_queries(5):
        client.get(reverse("notifications:settings"))


def test_the_page_lists_filters_and_paginates_in_a_fixed_number_of_queries(
        client, manager, supervisor, django_assert_max_num_queries):
    for n in range(30):
        returned(manager, supervisor, key=f"s:{n}")
    notify(recipients=[manager], kind=Kind.LOG_APPROVED, key="log.approved", dedupe_key="a:1",
           params={"by": supervisor, "month": "2026-09"})
    client.force_login(manager)
    # session, user, count, page, the bell's COUNT, the session's save (3)
    with django_assert_max_num_queries(8):
        first = client.get(reverse("notifications:list"))
    assert len(first.context["notifications"]) == 25
    assert first.context["notifications"][0].message_key == "log.approved"  # newest first
    approved = client.get(reverse("notifications:list"), {"kind": "log_approved"})
    assert [n.message_key for n in approved.context["notifications"]] == ["log.approved"]
    second = client.get(reverse("notifications:list"), {"page": "2"})
    assert len(second.context["notifications"]) == 6


def test_bad_filters_and_pages_show_an_error_not_a_500(client, manager, supervisor):
    returned(manager, supervisor)
    client.force_login(manager)
    for query in ({"kind": "nonsense"}, {"state": "x"}, {"page": "abc"}, {"page": "999"}):
        response = client.get(reverse("notifications:list"), query)
        assert response.status_code == 200, query
    # A NUL never reaches the page: core.middleware.RejectNulMiddleware answers 400.
    assert client.get(reverse("notifications:list"), {"kind": "\x00"}).status_code == 400
    response = client.get(reverse("notifications:list"), {"kind": "nonsense"})
    assert "invalid-feedback" in response.content.decode()


def test_empty_state(client, manager):
    client.force_login(manager)
    page = client.get(reverse("notifications:list")).content.decode()
    assert "Nothing yet." in page


def test_opening_a_notification_marks_it_read_and_goes_to_its_link(client, manager, supervisor):
    returned(manager, supervisor)
    notification = Notification.objects.get()
    client.force_login(manager)
    response = client.get(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 302 and response["Location"] == "/visits/sign-off/"
    notification.refresh_from_db()
    assert notification.read_at is not None
    unread = client.get(reverse("notifications:list"), {"state": "unread"})
    assert list(unread.context["notifications"]) == []


def test_a_link_to_another_site_is_not_followed(client, manager):
    notify(recipients=[manager], kind=Kind.IMPORT, key="import.failed", dedupe_key="i:1",
           params={"file": "x.xlsx"}, link="https://evil.example/")
    client.force_login(manager)
    response = client.get(reverse("notifications:open", args=[Notification.objects.get().pk]))
    assert response["Location"] == reverse("notifications:list")


def test_mark_read_and_mark_all_read(client, manager, supervisor):
    returned(manager, supervisor, key="s:1")
    returned(manager, supervisor, key="s:2")
    first, second = Notification.objects.order_by("pk")
    client.force_login(manager)
    response = client.post(reverse("notifications:read", args=[first.pk]), {"next": "?state=unread"})
    assert response["Location"] == reverse("notifications:list") + "?state=unread"
    assert Notification.objects.unread().count() == 1
    response = client.post(reverse("notifications:read-all"), {"next": "//evil.example/"})
    assert response["Location"] == reverse("notifications:list")
    assert Notification.objects.unread().count() == 0


def test_someone_elses_notification_is_not_found(client, manager, teammate, supervisor):
    returned(manager, supervisor)
    notification = Notification.objects.get()
    client.force_login(teammate)
    assert client.get(reverse("notifications:open", args=[notification.pk])).status_code == 404
    assert client.post(reverse("notifications:read", args=[notification.pk])).status_code == 404
    client.post(reverse("notifications:read-all"))
    notification.refresh_from_db()
    assert notification.read_at is None
    assert client.get(reverse("notifications:read", args=[notification.pk])).status_code == 405


# --- Settings -------------------------------------------------------------------------------------------------

def test_settings_save_the_grid_and_quiet_hours(client, manager):
    client.force_login(manager)
    page = client.get(reverse("notifications:settings"))
    assert page.status_code == 200
    data = {"log_returned__in_app": "on", "log_returned__wecom": "on", "quiet_starts": "22:00", "quiet_ends": "07:00"}
    response = client.post(reverse("notifications:settings"), data)
    assert response.status_code == 302
    assert (QuietHours.objects.get(user=manager).starts, QuietHours.objects.get(user=manager).ends) == (
        time(22, 0), time(7, 0))
    saved = set(Preference.objects.filter(user=manager).values_list("kind", "channel", "enabled"))
    assert ("log_returned", "wecom", True) in saved and ("log_returned", "email", False) in saved
    assert ("overlap", "in_app", False) in saved  # unticked
    again = client.get(reverse("notifications:settings")).content.decode()
    assert 'name="log_returned__wecom" id="id_log_returned__wecom" aria-label' in again
    assert 'value="22:00"' in again


def test_half_given_quiet_hours_are_refused_next_to_the_field_with_the_input_kept(client, manager):
    client.force_login(manager)
    response = client.post(reverse("notifications:settings"), {"quiet_starts": "22:00", "log_returned__email": "on"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Give both ends of the quiet hours, or neither." in page
    assert 'value="22:00"' in page
    assert not QuietHours.objects.exists() and not Preference.objects.exists()
    response = client.post(reverse("notifications:settings"), {"quiet_starts": "25:99", "quiet_ends": "x"})
    assert response.status_code == 200 and "invalid-feedback" in response.content.decode()
