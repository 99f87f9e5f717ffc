"""Directory sign-in (LDAP / Active Directory) with django-auth-ldap, all from the environment.

Off unless LDAP_SERVER_URI is set. Local accounts keep working beside it (users/ldap.py)."""

import environ

env = environ.Env()

LDAP_SERVER_URI = env("LDAP_SERVER_URI", default="")


def _pairs(text):
    """ "Team name=group DN|Other team=other DN" -> {DN: team name} (a DN holds commas and '=')."""
    found = {}
    for item in filter(None, (part.strip() for part in text.split("|"))):
        name, _sep, dn = item.partition("=")
        if name.strip() and dn.strip():
            found[dn.strip()] = name.strip()
    return found


# The group whose members get each role (the highest wins; no group: account manager).
LDAP_ROLE_GROUPS = {
    "admin": env("LDAP_ADMIN_GROUP", default=""),
    "supervisor": env("LDAP_SUPERVISOR_GROUP", default=""),
    "manager": env("LDAP_MANAGER_GROUP", default=""),
}
# Team per group: LDAP_TEAM_GROUPS="East China=cn=east,ou=groups,dc=example,dc=com|South China=cn=...".
LDAP_TEAM_GROUPS = _pairs(env("LDAP_TEAM_GROUPS", default=""))

if LDAP_SERVER_URI:
    import ldap
    from django_auth_ldap.config import (
        ActiveDirectoryGroupType,
        GroupOfNamesType,
        LDAPSearch,
        NestedActiveDirectoryGroupType,
        PosixGroupType,
    )

    AUTH_LDAP_SERVER_URI = LDAP_SERVER_URI
    AUTH_LDAP_BIND_DN = env("LDAP_BIND_DN", default="")
    AUTH_LDAP_BIND_PASSWORD = env("LDAP_BIND_PASSWORD", default="")
    AUTH_LDAP_START_TLS = env.bool("LDAP_START_TLS", default=False)
    AUTH_LDAP_CONNECTION_OPTIONS = {ldap.OPT_REFERRALS: 0, ldap.OPT_NETWORK_TIMEOUT: 5}
    # OpenLDAP: (uid=%(user)s); Active Directory: (sAMAccountName=%(user)s).
    AUTH_LDAP_USER_SEARCH = LDAPSearch(env("LDAP_USER_BASE"), ldap.SCOPE_SUBTREE,
                                       env("LDAP_USER_FILTER", default="(uid=%(user)s)"))
    AUTH_LDAP_USER_ATTR_MAP = {"first_name": "givenName", "last_name": "sn", "email": "mail",
                               "display_name": env("LDAP_DISPLAY_NAME_ATTR", default="displayName")}
    _GROUP_TYPES = {"groupOfNames": (GroupOfNamesType, "(objectClass=groupOfNames)"),
                    "active_directory": (ActiveDirectoryGroupType, "(objectClass=group)"),
                    "nested_active_directory": (NestedActiveDirectoryGroupType, "(objectClass=group)"),
                    "posix": (PosixGroupType, "(objectClass=posixGroup)")}
    _group_type, _group_filter = _GROUP_TYPES[env("LDAP_GROUP_TYPE", default="groupOfNames")]
    AUTH_LDAP_GROUP_TYPE = _group_type()
    AUTH_LDAP_GROUP_SEARCH = LDAPSearch(env("LDAP_GROUP_BASE", default=env("LDAP_USER_BASE")),
                                        ldap.SCOPE_SUBTREE, _group_filter)
    # Only members of this group may sign in through the directory (empty: anyone found).
    AUTH_LDAP_REQUIRE_GROUP = env("LDAP_REQUIRE_GROUP", default=None) or None
    AUTH_LDAP_ALWAYS_UPDATE_USER = True
    AUTH_LDAP_CACHE_TIMEOUT = env.int("LDAP_CACHE_SECONDS", default=300)
