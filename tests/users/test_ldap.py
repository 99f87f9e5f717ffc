"""Directory sign-in (issue 24 item 5, X-06) against a real OpenLDAP server (tests/ldapserver.py):
a directory user signs in with the directory's password, becomes a CRM user, and their groups
decide role and team at every sign-in; the first admin's local account keeps working beside
it, and a directory entry of the same name cannot take it over."""

import pytest
from django.urls import reverse

from audit.models import Action, AuditEntry
from tests.factories import PASSWORD, AdminFactory
from tests.ldapserver import SUFFIX, Slapd, require_slapd
from users.models import User

pytestmark = pytest.mark.django_db

PEOPLE, GROUPS = f"ou=people,{SUFFIX}", f"ou=groups,{SUFFIX}"
SUPERVISORS, ADMINS, EAST = f"cn=crm-supervisors,{GROUPS}", f"cn=crm-admins,{GROUPS}", f"cn=east-china,{GROUPS}"


@pytest.fixture(scope="module")
def directory():
    require_slapd()
    with Slapd() as server:
        server.add(SUFFIX, objectClass=["dcObject", "organization"], dc="example", o="Example")
        server.add(PEOPLE, objectClass="organizationalUnit", ou="people")
        server.add(GROUPS, objectClass="organizationalUnit", ou="groups")
        for uid, name, password in (("mei", "林美", "mei-directory-pass"), ("root", "Intruder", "evil-pass"),
                                    ("bo", "王博", "bo-directory-pass")):
            server.add(f"uid={uid},{PEOPLE}", objectClass="inetOrgPerson", uid=uid, cn=name, sn=name[:1],
                       givenName=name[1:], displayName=name, mail=f"{uid}@example.com", userPassword=password)
        server.add(SUPERVISORS, objectClass="groupOfNames", cn="crm-supervisors", member=f"uid=mei,{PEOPLE}")
        server.add(ADMINS, objectClass="groupOfNames", cn="crm-admins", member=f"uid=root,{PEOPLE}")
        server.add(EAST, objectClass="groupOfNames", cn="east-china", member=[f"uid=mei,{PEOPLE}", f"uid=bo,{PEOPLE}"])
        yield server


@pytest.fixture
def ldap_settings(settings, directory):
    import ldap
    from django_auth_ldap.config import GroupOfNamesType, LDAPSearch

    settings.AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "users.ldap.DirectoryBackend",
                                        "django.contrib.auth.backends.ModelBackend"]
    settings.AUTH_LDAP_SERVER_URI = directory.uri
    settings.AUTH_LDAP_USER_SEARCH = LDAPSearch(PEOPLE, ldap.SCOPE_SUBTREE, "(uid=%(user)s)")
    settings.AUTH_LDAP_GROUP_SEARCH = LDAPSearch(GROUPS, ldap.SCOPE_SUBTREE, "(objectClass=groupOfNames)")
    settings.AUTH_LDAP_GROUP_TYPE = GroupOfNamesType()
    settings.AUTH_LDAP_USER_ATTR_MAP = {"first_name": "givenName", "last_name": "sn", "email": "mail",
                                        "display_name": "displayName"}
    settings.AUTH_LDAP_ALWAYS_UPDATE_USER = True
    settings.AUTH_LDAP_CACHE_TIMEOUT = 0
    settings.LDAP_ROLE_GROUPS = {"admin": ADMINS, "supervisor": SUPERVISORS, "manager": ""}
    settings.LDAP_TEAM_GROUPS = {EAST: "East China"}
    return directory


def login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_a_directory_user_signs_in_and_their_group_makes_them_supervisor(client, ldap_settings, team):
    response = login(client, "mei", "mei-directory-pass")
    assert response.status_code == 302 and response.url == reverse("home")
    mei = User.objects.get(username="mei")
    assert (mei.role, mei.team, mei.display_name, mei.email) == (User.Role.SUPERVISOR, team, "林美",
                                                                  "mei@example.com")
    assert not mei.has_usable_password()  # the directory holds the password, not us
    assert AuditEntry.objects.get(action=Action.SIGN_IN, actor=mei).describe() == "Directory (LDAP)"


def test_someone_in_no_role_group_is_a_manager_and_a_wrong_password_fails(client, ldap_settings, team):
    assert login(client, "bo", "wrong").status_code == 200
    assert AuditEntry.objects.filter(action=Action.SIGN_IN_FAILED, actor_name="bo").exists()
    login(client, "bo", "bo-directory-pass")
    bo = User.objects.get(username="bo")
    assert (bo.role, bo.team) == (User.Role.MANAGER, team)


def test_the_directory_decides_the_role_again_at_the_next_sign_in(client, ldap_settings, team):
    login(client, "mei", "mei-directory-pass")
    User.objects.filter(username="mei").update(role=User.Role.MANAGER)  # changed here, not in the directory
    client.post(reverse("logout"))
    login(client, "mei", "mei-directory-pass")
    assert User.objects.get(username="mei").role == User.Role.SUPERVISOR
    assert AuditEntry.objects.get(action=Action.ROLE_CHANGED).actor_name == "directory"


def test_the_first_admins_local_account_keeps_working_and_cannot_be_taken_over(client, ldap_settings):
    admin = AdminFactory(username="root")
    # The directory's "root" (in the admins' group, another password) is not let in as our root.
    assert login(client, "root", "evil-pass").status_code == 200
    assert "_auth_user_id" not in client.session and "pending_sign_in" not in client.session
    # root's own password still works (the second factor follows: admins must have one).
    assert login(client, "root", PASSWORD).url == reverse("login-enrol")
    admin.refresh_from_db()
    assert admin.has_usable_password() and admin.display_name != "Intruder"


def test_an_unknown_directory_user_is_refused(client, ldap_settings):
    assert login(client, "nobody", "x").status_code == 200
    assert not User.objects.filter(username="nobody").exists()
