"""`manage.py db_app_role ROLE [--password-env VAR]`, run as the owner of the tables (the role
that runs `migrate`): give the app's database role what the app does and nothing more.

The app needs rows, not tables: SELECT, INSERT, UPDATE, DELETE on every table and the use of
every sequence, now and for the tables later migrations make (default privileges of the owner).
Without ownership the role cannot ALTER TABLE … DISABLE TRIGGER, TRUNCATE, DROP or create a
table; not being a superuser it cannot SET session_replication_role = replica. So the month lock
and the audit trail (visits migrations 0002 and 0006) hold against any bug or injected SQL.

Idempotent: compose's `migrate` service runs it after every migration. With --password-env the
role is created if missing (an install whose volume predates the init script) and its password
set from that variable. It refuses a role that would defeat the point: a superuser, a table
owner, or a member of the owner's role.
"""

import os
import re

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")

GRANTS = """
GRANT CONNECT ON DATABASE {database} TO {role};
GRANT USAGE ON SCHEMA public TO {role};
REVOKE CREATE ON SCHEMA public FROM {role};
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role};
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role};
ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role};
ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {role};
"""

# Anything here would let the role step around the triggers.
TOO_STRONG = """
SELECT r.rolsuper, r.rolbypassrls,
       pg_has_role(r.oid, current_user, 'MEMBER'),
       (SELECT count(*) FROM pg_class c WHERE c.relowner = r.oid)
FROM pg_roles r WHERE r.rolname = %s
"""


def why_too_strong(cursor, role):
    """Why the role is too strong for the app, or "" when it is not."""
    cursor.execute(TOO_STRONG, [role])
    superuser, bypass_rls, member_of_owner, owned = cursor.fetchone()
    reasons = [("a superuser", superuser), ("allowed to bypass row security", bypass_rls),
               ("a member of the owner's role", member_of_owner), (f"the owner of {owned} tables", owned)]
    return ", ".join(text for text, present in reasons if present)


class Command(BaseCommand):
    help = "Grant the app's database role row access only (run as the owner of the tables, after migrate)."

    def add_arguments(self, parser):
        parser.add_argument("role", help="the app's role, e.g. crm_app")
        parser.add_argument("--password-env", metavar="VAR",
                            help="create the role if missing and set its password from this environment variable")

    def handle(self, *args, role, password_env, **options):
        if not ROLE_NAME.match(role):
            raise CommandError(f"{role!r} is not a plain role name (lower case, digits, underscores).")
        password = os.environ.get(password_env, "") if password_env else None
        if password_env and not password:
            raise CommandError(f"{password_env} is empty.")
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT current_user, current_database()")
            owner, database = cursor.fetchone()
            if role == owner:
                raise CommandError(f"{role} runs the migrations; the app needs a role of its own.")
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            exists = cursor.fetchone() is not None
            if not exists and password is None:
                raise CommandError(f"Role {role} does not exist; create it or pass --password-env.")
            if password is not None and exists:
                # Only the password: an existing role's powers are checked below, never quietly changed.
                cursor.execute(f'ALTER ROLE "{role}" PASSWORD %s', [password])
            elif password is not None:
                cursor.execute(f'CREATE ROLE "{role}" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION '
                               f"NOBYPASSRLS PASSWORD %s", [password])
            too_strong = why_too_strong(cursor, role)
            if too_strong:
                raise CommandError(f"Role {role} is {too_strong}: the app's role may only read and write rows.")
            cursor.execute(GRANTS.format(role=f'"{role}"', owner=f'"{owner}"', database=f'"{database}"'))
        self.stdout.write(f"{role}: rows of every table in {database} (owner {owner}); no DDL, no TRUNCATE.")
