"""Departments in the app, not only in Django's admin site (X-02): the admin creates a department
named in the three languages, invites its staff (in no team, carrying no accounts), makes one of
them head and closes it to new work; every refusal is at its field with the input kept. Nobody but
an admin finds these pages."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from audit.models import Action, AuditEntry
from departments.forms import department_field
from tests.factories import AccountFactory, DepartmentFactory, DepartmentStaffFactory
from users.models import Department, User

pytestmark = pytest.mark.django_db


def test_the_admin_creates_a_department_and_sees_it_in_the_readers_language(client, admin):
    client.force_login(admin)

    created = client.post(reverse("people:department-create"), {
        "code": "finance", "name_en": "Finance", "name_zh_hans": "财务部", "name_zh_hant": "財務部", "active": "on"})

    assert created.status_code == 302
    department = Department.objects.get(code="finance")
    assert department.active and department.head is None
    listed = client.get(reverse("people:departments"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "财务部" in listed and "暂无负责人" in listed
    again = client.post(reverse("people:department-create"), {"code": "finance", "name_en": "Money"})
    assert "code" in again.context["form"].errors and again.context["form"]["name_en"].value() == "Money"


def test_the_admin_invites_department_staff_who_belong_to_it_and_to_no_team(
        client, admin, team, service, eager_celery, django_capture_on_commit_callbacks):
    client.force_login(admin)
    person = {"username": "lin", "display_name": "林芳", "email": "lin@example.com", "role": "department",
              "language": "zh-hans", "how": "invite"}

    missing = client.post(reverse("people:create"), person)
    assert "department" in missing.context["form"].errors and missing.context["form"]["username"].value() == "lin"
    in_a_team = client.post(reverse("people:create"), {**person, "department": service.pk, "team": team.pk})
    assert "team" in in_a_team.context["form"].errors
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("people:create"), {**person, "department": service.pk})

    lin = User.objects.get(username="lin")
    assert (lin.role, lin.department, lin.team) == (User.Role.DEPARTMENT, service, None)
    assert "以部门人员身份加入大客户管理系统（客户服务部）" in mail.outbox[0].body
    manager = client.post(reverse("people:create"), {**person, "username": "wu", "role": "manager",
                                                     "department": service.pk})
    assert "department" in manager.context["form"].errors  # only department staff belong to one


def test_the_head_is_one_of_its_staff_and_stays_until_replaced(client, admin, service):
    lin = DepartmentStaffFactory(username="lin", department=service)
    stranger = DepartmentStaffFactory(username="he", department=DepartmentFactory(code="finance"))
    client.force_login(admin)
    edit = reverse("people:department-edit", args=[service.pk])
    fields = {"code": "service", "name_en": "Customer service", "name_zh_hans": "客户服务部",
              "name_zh_hant": "客戶服務部", "active": "on"}

    refused = client.post(edit, {**fields, "head": stranger.pk})
    assert "head" in refused.context["form"].errors
    assert client.post(edit, {**fields, "head": lin.pk}).status_code == 302
    service.refresh_from_db()
    assert service.head == lin

    moved = client.post(reverse("people:edit", args=[lin.pk]), {
        "display_name": "", "email": "", "role": "department", "department": stranger.department_id,
        "language": "en"})
    assert "heads" in str(moved.context["form"].errors["department"])
    lin.refresh_from_db()
    assert lin.department == service


def test_a_department_closed_to_new_work_is_no_longer_offered_for_routing(client, admin, service):
    client.force_login(admin)
    client.post(reverse("people:department-edit", args=[service.pk]), {
        "code": "service", "name_en": "Customer service", "head": service.head_id})

    service.refresh_from_db()
    assert not service.active
    assert service not in department_field().queryset
    with translation.override("en"):
        assert "Takes no new work" in client.get(reverse("people:departments")).content.decode()
    staff = client.get(reverse("people:edit", args=[service.head_id]))
    assert service in staff.context["form"].fields["department"].queryset  # still theirs


def test_a_manager_with_accounts_does_not_become_department_staff(client, admin, manager, service):
    AccountFactory(owner=manager)
    client.force_login(admin)

    page = client.post(reverse("people:edit", args=[manager.pk]), {
        "display_name": "", "email": "", "role": "department", "department": service.pk, "language": "en"})

    assert "hand them over" in str(page.context["form"].errors["role"])
    manager.refresh_from_db()
    assert manager.role == User.Role.MANAGER and manager.department is None


def test_the_people_list_filters_by_department(client, admin, manager, service, django_assert_max_num_queries):
    client.force_login(admin)
    DepartmentStaffFactory.create_batch(3, department=DepartmentFactory(code="finance"))
    client.get(reverse("home"))

    with django_assert_max_num_queries(8):  # session, user, the bell, departments with their heads and staff
        assert client.get(reverse("people:departments")).status_code == 200
    page = client.get(reverse("people:list"), {"department": service.pk})
    assert [p.username for p in page.context["people"]] == ["zhou"]


@pytest.mark.parametrize("persona", ["manager", "supervisor", "service_member"])
def test_nobody_but_an_admin_finds_the_department_pages(client, request, persona, service):
    client.force_login(request.getfixturevalue(persona))

    for url in (reverse("people:departments"), reverse("people:department-create"),
                reverse("people:department-edit", args=[service.pk])):
        assert client.get(url).status_code == 404
        assert client.post(url, {"code": "x", "name_en": "X"}).status_code == 404
    assert not Department.objects.filter(code="x").exists()


def test_department_changes_land_in_the_audit_log_in_the_readers_language(client, admin, service):
    lin = DepartmentStaffFactory(username="lin", department=service)
    sun = DepartmentStaffFactory(username="sun", department=service)
    finance = DepartmentFactory(code="finance")
    client.force_login(admin)

    client.post(reverse("people:department-create"), {"code": "logistics", "name_en": "Logistics", "active": "on"})
    client.post(reverse("people:department-edit", args=[service.pk]), {
        "code": "service", "name_en": "Customer service", "head": lin.pk})  # re-headed and closed
    client.post(reverse("people:edit", args=[sun.pk]), {
        "display_name": "", "email": "", "role": "department", "department": finance.pk, "language": "en"})

    created = AuditEntry.objects.get(action=Action.DEPARTMENT_CREATED)
    assert (created.actor, created.details) == (admin, {"code": "logistics"})
    updated = AuditEntry.objects.get(action=Action.DEPARTMENT_UPDATED)
    with translation.override("zh-hans"):
        assert updated.describe() == "负责人: zhou → lin; 接收新工作: 是 → 否"
    moved = AuditEntry.objects.get(action=Action.DEPARTMENT_CHANGED)
    assert (moved.target_id, moved.details) == (str(sun.pk), {"from": "service", "to": "finance"})
