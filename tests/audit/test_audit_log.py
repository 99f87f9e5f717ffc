"""The audit log (issue 24 item 8, X-06): who signed in or failed to, who exported which list
with which filters and how many rows, who changed whose role; read by admins only, pruned
after the retention period by a job that is safe to run twice."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import Action, AuditEntry
from audit.services import audit_prune, record
from tests.factories import PASSWORD, AccountFactory

pytestmark = pytest.mark.django_db


def test_a_sign_in_and_a_failed_one_are_recorded_with_the_address(client, manager):
    client.post(reverse("login"), {"username": "li", "password": "wrong"}, REMOTE_ADDR="10.0.0.7")
    client.post(reverse("login"), {"username": "li", "password": PASSWORD}, REMOTE_ADDR="10.0.0.7")
    failed, signed_in = AuditEntry.objects.order_by("at", "id")
    assert (failed.action, failed.actor, failed.actor_name, failed.ip) == (Action.SIGN_IN_FAILED, None, "li",
                                                                           "10.0.0.7")
    assert (signed_in.action, signed_in.actor, signed_in.describe()) == (Action.SIGN_IN, manager, "Password")


def test_an_export_records_who_which_list_which_filters_and_how_many_rows(client, manager):
    AccountFactory(owner=manager, name="Haier", status="active")
    AccountFactory(owner=manager, name="Gree", status="active")
    client.force_login(manager)
    response = client.get(reverse("accounts:list"), {"format": "csv", "q": "Haier", "page": "2"})
    b"".join(response.streaming_content)  # a CSV is counted as it streams
    entry = AuditEntry.objects.get(action=Action.EXPORT)
    assert entry.actor == manager
    assert entry.details == {"list": "accounts:list", "format": "csv", "filters": {"q": ["Haier"]}, "rows": 1}
    assert entry.describe() == "1 rows of “accounts:list” as CSV · filters: q=Haier"


def test_a_report_download_is_recorded_too(client, admin):
    client.force_login(admin)
    client.get(reverse("reports:concentration"), {"format": "xlsx"})
    assert AuditEntry.objects.get(action=Action.EXPORT).details["list"] == "reports:concentration"


def test_record_keeps_hostile_text_bounded_and_storable(manager):
    entry = record(Action.API_TOKEN_USED, actor=manager, target=manager, details={"path": "x\x00" + "y" * 5000})
    entry.refresh_from_db()
    assert entry.details["path"] == "x" + "y" * 199 and entry.target_type == "users.user"


def test_only_admins_read_the_log_others_get_404(client, admin, manager, supervisor):
    for person in (manager, supervisor):
        client.force_login(person)
        assert client.get(reverse("audit:list")).status_code == 404
    client.force_login(admin)
    assert client.get(reverse("audit:list")).status_code == 200


def test_the_admin_filters_the_log_by_action_person_and_date(client, admin, manager, django_assert_max_num_queries):
    record(Action.SIGN_IN_FAILED, actor_name="mallory")
    old = record(Action.SIGN_IN_FAILED, actor_name="mallory-old")
    AuditEntry.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=40))
    client.force_login(admin)  # records a sign-in of root
    # session, user, the capped count, the bell, the page of entries (their actors joined),
    # the session's save (savepoint, update, release)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("audit:list"), {"action": "sign_in_failed", "q": "mall",
                                                  "since": (timezone.localdate() - timedelta(days=7)).isoformat()})
    assert [e.actor_name for e in page.context["entries"]] == ["mallory"]
    assert "mallory" in page.content.decode()


def test_bad_filter_input_is_named_at_its_field_and_shows_nothing(client, admin):
    client.force_login(admin)
    page = client.get(reverse("audit:list"), {"since": "2026-02-30", "action": "nonsense"})
    assert page.status_code == 200 and list(page.context["entries"]) == []
    assert page.context["form"].errors.keys() == {"since", "action"}


def test_the_log_paginates(client, admin):
    AuditEntry.objects.bulk_create([AuditEntry(action=Action.SIGN_IN_FAILED, actor_name=f"x{n}") for n in range(60)])
    client.force_login(admin)
    assert len(client.get(reverse("audit:list")).context["entries"]) == 50
    assert len(client.get(reverse("audit:list"), {"page": "2"}).context["entries"]) == 11  # + root's sign-in


def test_retention_prunes_old_rows_once(settings, manager):
    settings.AUDIT_RETENTION_DAYS = 30
    keep = record(Action.SIGN_IN, actor=manager)
    gone = record(Action.SIGN_IN, actor=manager)
    AuditEntry.objects.filter(pk=gone.pk).update(at=timezone.now() - timedelta(days=31))
    assert audit_prune() == 1
    assert audit_prune() == 0
    assert list(AuditEntry.objects.all()) == [keep]


def test_the_page_speaks_chinese(client, admin):
    record(Action.SIGN_IN_FAILED, actor_name="mallory")
    client.force_login(admin)
    html = client.get(reverse("audit:list"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "审计日志" in html
