from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from users import permissions
from users.models import Team, User


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
def user_create(*, username, password, role=User.Role.MANAGER, team=None, display_name="", email=""):
    user = User(username=username, role=role, team=team, display_name=display_name, email=email)
    user.is_staff = role == User.Role.ADMIN
    user.set_password(password)
    user.full_clean()
    user.save()
    return user
