import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from audit.models import Action
from audit.services import record
from core import outbox
from core.outbox import outbox_queue
from users import permissions
from users.models import Department, Team, User


def _check_can_supervise(user):
    if not permissions.can_lead_team(user):
        raise ValidationError(
            {"supervisor": _("%(user)s is not a supervisor; only supervisors and admins lead a team.")
             % {"user": user}}
        )
    if not user.is_active:
        raise ValidationError({"supervisor": _("%(user)s is deactivated.") % {"user": user}})


def _english(label):
    """A choice label as its English msgid: the audit log translates it for its reader."""
    with translation.override("en"):
        return str(label)


@transaction.atomic
def team_create(*, name, supervisor, members=(), by=None):
    _check_can_supervise(supervisor)
    team = Team(name=name, supervisor=supervisor)
    team.full_clean()
    team.save()
    for member in members:
        team_member_add(team=team, user=member, by=by)
    if by is not None:
        record(Action.TEAM_CREATED, actor=by, target=team, details={"to": supervisor.get_username()})
    return team


@transaction.atomic
def team_update(*, team, by, name, supervisor, members):
    """Rename, choose the supervisor, and make `members` exactly the team's people (those left
    out leave the team; those added move here from wherever they were)."""
    _check_can_supervise(supervisor)
    before = team.supervisor
    team.name, team.supervisor = name, supervisor
    team.full_clean()
    team.save()
    wanted = {member.pk for member in members}
    for leaver in team.members.exclude(pk__in=wanted):
        _team_set(user=leaver, team=None, by=by)
    for member in members:
        if member.team_id != team.pk:
            _team_set(user=member, team=team, by=by)
    if before.pk != supervisor.pk:
        record(Action.TEAM_UPDATED, actor=by, target=team,
               details={"from": before.get_username(), "to": supervisor.get_username()})
    return team


@transaction.atomic
def team_member_add(*, team, user, by=None):
    """A user belongs to one team at a time; adding moves them."""
    return _team_set(user=user, team=team, by=by)


def _team_set(*, user, team, by):
    before = user.team
    user.team = team
    user.save(update_fields=["team"])
    if by is not None and (before and before.pk) != (team and team.pk):
        record(Action.TEAM_CHANGED, actor=by, target=user,
               details={"from": str(before) if before else "", "to": str(team) if team else ""})
    return user


@transaction.atomic
def user_create(*, username, password, role=User.Role.MANAGER, team=None, display_name="", email="",
                department=None, by=None, language=None):
    user = User(username=username, role=role, team=team, display_name=display_name, email=email,
                department=department)
    if language:
        user.language = language
    user.is_staff = role == User.Role.ADMIN
    user.set_password(password)
    user.full_clean()
    user.save()
    if by is not None:
        record(Action.USER_CREATED, actor=by, target=user, details={"to": _english(user.get_role_display())})
    return user


@transaction.atomic
def user_invite(*, username, email, by, role=User.Role.MANAGER, team=None, display_name="", language=None,
                department=None):
    """A new user who chooses their own password: the account gets a random one nobody knows, and
    the invitation (an outbox row of this transaction: sent once, even if the broker is down at
    commit) brings them a link to set theirs."""
    if not email:
        raise ValidationError({"email": _("An invitation needs an e-mail address.")})
    user = user_create(username=username, password=secrets.token_urlsafe(32), role=role, team=team,
                       display_name=display_name, email=email, language=language, department=department)
    record(Action.USER_INVITED, actor=by, target=user, details={"to": _english(user.get_role_display())})
    outbox_queue([_invitation(user, by=by)])
    return user


def _invitation(user, *, by):
    """The invitation e-mail, in the new user's language, to them alone (not to everyone of the
    address, as a reset would be). Its link is Django's password-reset token: it lapses after
    PASSWORD_RESET_TIMEOUT, and once the password is set, since the token signs the password."""
    site = urlsplit(settings.SITE_URL)  # not the request's Host header: links point where they should
    path = reverse("password_reset_confirm", kwargs={"uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                                                     "token": default_token_generator.make_token(user)})
    with translation.override(user.language):
        subject = _("You are invited to KAM CRM")
        body = render_to_string("users/email/invitation.txt", {
            "user": user, "inviter": by, "team": user.team or user.department,
            "link": f"{site.scheme}://{site.netloc}{path}",
            "days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)})
    return outbox.email(to=user.email, subject=subject, body=body, dedupe_key=f"invitation:{user.pk}")


def _leads(user):
    return list(Team.objects.filter(supervisor=user).values_list("name", flat=True))


def _check_department_move(user, *, role, department):
    """Department staff carry no accounts and no team (X-02); a head stays in what they head."""
    if role == User.Role.DEPARTMENT and user.role != User.Role.DEPARTMENT:
        if owned := user.owned_accounts.count():
            raise ValidationError({"role": _("%(n)s accounts are still in the name of %(user)s: hand them over "
                                             "first.") % {"n": owned, "user": user}})
    headed = [d for d in Department.objects.filter(head=user) if d != department]
    if headed:
        raise ValidationError({"department": _("%(user)s heads %(department)s: choose another head there first.")
                               % {"user": user, "department": ", ".join(str(d) for d in headed)}})


@transaction.atomic
def user_update(*, user, by, role, team, display_name="", email="", language=None, department=None):
    """Change a person's role, team and department (each change of role and team audited).
    Refused: an admin taking their own admin role away, a role that can no longer lead the teams
    the person supervises, and department moves that _check_department_move refuses."""
    user = User.objects.select_for_update().get(pk=user.pk)
    old_role = user.role
    department = department if role == User.Role.DEPARTMENT else None
    _check_department_move(user, role=role, department=department)
    if user.department_id != (department and department.pk):
        record(Action.DEPARTMENT_CHANGED, actor=by, target=user, details={
            "from": user.department.code if user.department else "", "to": department.code if department else ""})
    user.department = department
    if department is not None:
        team = None
    if old_role == User.Role.ADMIN and role != User.Role.ADMIN and user.pk == by.pk:
        raise ValidationError({"role": _("You cannot take away your own admin role; ask another admin.")})
    if role == User.Role.MANAGER and (teams := _leads(user)):
        raise ValidationError({"role": _("%(user)s leads %(teams)s: choose another supervisor there first.")
                               % {"user": user, "teams": ", ".join(teams)}})
    user.role, user.display_name, user.email = role, display_name, email
    if language:
        user.language = language
    user.is_staff = role == User.Role.ADMIN
    user.full_clean()
    user.save()
    if old_role != role:
        record(Action.ROLE_CHANGED, actor=by, target=user, details={
            "from": _english(User.Role(old_role).label), "to": _english(User.Role(role).label)})
    _team_set(user=user, team=team, by=by)
    return user


@transaction.atomic
def user_deactivate(*, user, by):
    """The person can no longer sign in (their sessions end at the next request: Django refuses
    an inactive user). Their accounts stay theirs until handed over (accounts' handover)."""
    if user.pk == by.pk:
        raise ValidationError(_("You cannot deactivate yourself."))
    if teams := _leads(user):
        raise ValidationError(_("%(user)s leads %(teams)s: choose another supervisor there first.")
                              % {"user": user, "teams": ", ".join(teams)})
    if not User.objects.filter(pk=user.pk, is_active=True).update(is_active=False):
        raise ValidationError(_("%(user)s is already deactivated.") % {"user": user})
    record(Action.USER_DEACTIVATED, actor=by, target=user)
    user.is_active = False
    return user


@transaction.atomic
def user_reactivate(*, user, by):
    if not User.objects.filter(pk=user.pk, is_active=False).update(is_active=True):
        raise ValidationError(_("%(user)s is already active.") % {"user": user})
    record(Action.USER_REACTIVATED, actor=by, target=user)
    user.is_active = True
    return user


@transaction.atomic
def department_create(*, code, name_en, name_zh_hans="", name_zh_hant="", head=None, active=True, by=None):
    department = Department(code=code, name_en=name_en, name_zh_hans=name_zh_hans, name_zh_hant=name_zh_hant,
                            active=active)
    # The head is set once they belong to it (department_head_set).
    department.full_clean()
    department.save()
    if by is not None:
        record(Action.DEPARTMENT_CREATED, actor=by, target=department, details={"code": code})
    if head is not None:
        department_head_set(department=department, head=head)
    return department


@transaction.atomic
def department_update(*, department, by, code, name_en, name_zh_hans="", name_zh_hant="", head=None, active=True):
    """Rename, re-head or close a department (audited, with what changed). One that takes no new
    work keeps its queue: what was routed to it stays to be done; only active ones are offered for
    routing (departments.forms)."""
    department = Department.objects.select_for_update().get(pk=department.pk)
    before = {"code": department.code, "head": department.head.get_username() if department.head else "",
              "active": department.active}
    department.code, department.name_en, department.active = code, name_en, active
    department.name_zh_hans, department.name_zh_hant, department.head = name_zh_hans, name_zh_hant, head
    department.full_clean()
    department.save()
    after = {"code": code, "head": head.get_username() if head else "", "active": active}
    record(Action.DEPARTMENT_UPDATED, actor=by, target=department,
           details={key: [before[key], after[key]] for key in before if before[key] != after[key]})
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
