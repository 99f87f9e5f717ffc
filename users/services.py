from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from users import permissions
from users.models import Department, Team, User


def _check_can_supervise(user):
    if not permissions.can_lead_team(user):
        raise ValidationError(
            {"supervisor": _("%(user)s is not a supervisor; only supervisors and admins lead a team.")
             % {"user": user}}
        )


@transaction.atomic
def team_create(*, name, supervisor, members=()):
    _check_can_supervise(supervisor)
    team = Team(name=name, supervisor=supervisor)
    team.full_clean()
    team.save()
    for member in members:
        team_member_add(team=team, user=member)
    return team


@transaction.atomic
def team_member_add(*, team, user):
    """A user belongs to one team at a time; adding moves them."""
    user.team = team
    user.save(update_fields=["team"])
    return user


@transaction.atomic
def user_create(*, username, password, role=User.Role.MANAGER, team=None, display_name="", email="",
                department=None):
    user = User(username=username, role=role, team=team, display_name=display_name, email=email,
                department=department)
    user.is_staff = role == User.Role.ADMIN
    user.set_password(password)
    user.full_clean()
    user.save()
    return user


@transaction.atomic
def department_create(*, code, name_en, name_zh_hans="", name_zh_hant="", head=None):
    department = Department(code=code, name_en=name_en, name_zh_hans=name_zh_hans, name_zh_hant=name_zh_hant)
    # The head is set once they belong to it (department_head_set).
    department.full_clean()
    department.save()
    if head is not None:
        department_head_set(department=department, head=head)
    return department


@transaction.atomic
def department_member_add(*, department, user):
    """Department staff belong to one department and carry no accounts and no team (X-02)."""
    if user.role != User.Role.DEPARTMENT:
        raise ValidationError(_("%(user)s is not department staff; only department staff join a department.")
                              % {"user": user})
    user.department, user.team = department, None
    user.save(update_fields=["department", "team"])
    return user


@transaction.atomic
def department_head_set(*, department, head):
    """The head works in the department: told of everything overdue in its queue."""
    if head.department_id != department.pk:
        raise ValidationError({"head": _("%(user)s is not a member of %(department)s.")
                               % {"user": head, "department": department}})
    department.head = head
    department.save(update_fields=["head"])
    return department
