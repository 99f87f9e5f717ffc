"""Signing in with the company directory: LDAP or Active Directory (issue 24 item 5, X-06).

django-auth-ldap checks the password against the directory and creates or updates the user
from it; here the directory's groups also decide the CRM role and team, at every sign-in
(config/settings/ldap.py reads the mapping from the environment; README "Directory sign-in").

A local account with a password of its own (the first admin, made by `createsuperuser`)
never signs in through the directory, even if the directory has the same name: it stays the
way in when the directory is down or misconfigured."""

import logging

from django.conf import settings
from django.dispatch import receiver
from django_auth_ldap.backend import LDAPBackend, populate_user

from audit.models import Action
from audit.services import record
from users.models import Team, User

logger = logging.getLogger(__name__)


class DirectoryBackend(LDAPBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username and is_local(username):
            return None  # ModelBackend, after this one, checks the local password
        return super().authenticate(request, username=username, password=password, **kwargs)


def is_local(username):
    return (User.objects.filter(username__iexact=username.strip()).exclude(password="")
            .exclude(password__startswith="!").exists())  # "!…" is Django's unusable password


def directory_role(group_dns, role_groups=None):
    """The highest role whose group the person is in; a manager otherwise."""
    role_groups = settings.LDAP_ROLE_GROUPS if role_groups is None else role_groups
    groups = {dn.lower() for dn in group_dns}
    for role in (User.Role.ADMIN, User.Role.SUPERVISOR, User.Role.MANAGER):
        dn = role_groups.get(role.value, "")
        if dn and dn.lower() in groups:
            return role
    return User.Role.MANAGER


def directory_team(group_dns, team_groups=None):
    """The team of the first mapped group the person is in (None: leave the team as it is)."""
    team_groups = settings.LDAP_TEAM_GROUPS if team_groups is None else team_groups
    groups = {dn.lower() for dn in group_dns}
    for dn, name in team_groups.items():
        if dn.lower() in groups:
            team = Team.objects.filter(name=name).first()
            if team is None:
                logger.warning("The team mapping names team %r, which does not exist", name)
            return team
    return None


@receiver(populate_user, sender=DirectoryBackend, dispatch_uid="users_ldap_roles")
def _map_groups(sender, user, ldap_user, **kwargs):
    apply_groups(user, ldap_user.group_dns, settings.LDAP_ROLE_GROUPS, settings.LDAP_TEAM_GROUPS)


def apply_groups(user, groups, role_groups, team_groups, *, source="directory"):
    """Role and team from the identity source's groups (LDAP here, OIDC in users.oidc); a role
    change of a known user is audited. The caller saves."""
    before = user.role if user.pk else None
    user.role = directory_role(groups, role_groups)
    user.is_staff = user.role == User.Role.ADMIN
    if team_groups and (team := directory_team(groups, team_groups)) is not None:
        user.team = team
    if before is not None and before != user.role:
        record(Action.ROLE_CHANGED, actor_name=source, target=user,
               details={"from": _en(before), "to": _en(user.role)})


def _en(role):
    from django.utils import translation

    with translation.override("en"):
        return str(User.Role(role).label)
