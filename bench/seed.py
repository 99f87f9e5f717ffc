"""Create, migrate and fill one benchmark database: `python -m bench.seed kam_bench_large 100000`.

Minutes, not hours: every table is filled by one `INSERT … SELECT generate_series` (bench/seed_sql.py)
and the foreign keys are proven once at the end instead of row by row.
"""

import argparse
import os
import subprocess
import sys
import time

import psycopg2

from bench import seed_sql

SERVER = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
PASSWORD = "bench-pass-2026"
# bench_admin's authenticator (admins sign in with a code, issue 24): a known key, and a tolerance
# wide enough for every session a run logs in within one 30 s step (bench.client answers the step).
TOTP_KEY = "62656e63682d746f74702d6b65792d32303236"
AUTHENTICATOR_SQL = """
DELETE FROM otp_totp_totpdevice WHERE user_id = 1;
INSERT INTO otp_totp_totpdevice (name, confirmed, key, step, t0, digits, tolerance, drift, last_t, user_id,
                                 throttling_failure_count, created_at)
VALUES ('bench', true, %(totp_key)s, 30, 0, 6, 1000, 0, -1, 1, 0, now());
"""
TIME_ZONE = "Asia/Shanghai"
# Tables whose ids the SQL chooses itself; their sequences are moved past them.
EXPLICIT_IDS = ["users_user", "users_team", "accounts_account", "contacts_contact", "visits_visit",
                "opportunities_opportunity"]


def database_url(name):
    return f"{SERVER}/{name}"


def recreate(name):
    conn = psycopg2.connect(database_url("postgres"))
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cur.execute(f'CREATE DATABASE "{name}"')
    finally:
        conn.close()


def migrate(name):
    env = {**os.environ, "DATABASE_URL": database_url(name), "DJANGO_SETTINGS_MODULE": "config.settings.bench"}
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], check=True, env=env)


def build_facts(name):
    """The replica role skipped the triggers that keep the reports' facts (reports/facts.py), as it
    skipped the foreign keys: they are built once, set-based, from what the seed wrote (revenue
    and windows from the orders, touches, issues and care from their tables: every fact in
    reports.facts.FACTS)."""
    env = {**os.environ, "DATABASE_URL": database_url(name), "DJANGO_SETTINGS_MODULE": "config.settings.bench"}
    subprocess.run([sys.executable, "manage.py", "report_facts_build"], check=True, env=env)


def password_hash():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.bench")
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password

    return make_password(PASSWORD)


# From this many accounts on, the secondary indexes are dropped before the fill and built again
# after it (BENCH_SEED_DEFER_INDEXES=1/0 forces it): at a million accounts, 10M contacts and 30M
# visits inserted one by one into some 40 btree and GIN indexes (two of them ICU-collated, two
# bigram GINs) would take hours; a sorted build takes minutes. The sets up to 100k are seeded as
# before, so their indexes (grown by inserts, not packed by a build) stay comparable with earlier runs.
DEFER_INDEXES_FROM = 500_000
# Indexes that back a constraint (primary keys, unique constraints, the unique keys foreign keys
# point at) stay: they cannot be dropped on their own and the fill relies on none of the others.
SECONDARY_INDEXES = """
SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid), i.indrelid::regclass::text
FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
WHERE c.relnamespace = 'public'::regnamespace
  AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
ORDER BY c.relname, 1"""


def defer_indexes(accounts):
    forced = os.environ.get("BENCH_SEED_DEFER_INDEXES")
    return forced == "1" if forced in ("0", "1") else accounts >= DEFER_INDEXES_FROM


def build_read_models(name, log=print):
    """The read models the database keeps with triggers, built whole once (fill() bypasses them)."""
    started = time.monotonic()
    env = {**os.environ, "DATABASE_URL": database_url(name), "DJANGO_SETTINGS_MODULE": "config.settings.bench"}
    for command in ("cadence_rebuild", "danger_rebuild", "pipeline_facts_rebuild", "tier_tally_rebuild"):
        subprocess.run([sys.executable, "manage.py", command], check=True, env=env)
    log(f"  read models: {time.monotonic() - started:.1f} s")


def fill(name, accounts, log=print):
    params = {**seed_sql.shape(accounts), "password": password_hash(), "tz": TIME_ZONE}
    conn = psycopg2.connect(database_url(name))
    try:
        with conn, conn.cursor() as cur:
            cur.execute("SET session_replication_role = replica")
            cur.execute("SET maintenance_work_mem = '256MB'")
            deferred = []
            if defer_indexes(accounts):
                cur.execute("SET maintenance_work_mem = '1GB'")
                cur.execute("SET work_mem = '256MB'")
                cur.execute(SECONDARY_INDEXES)
                deferred = cur.fetchall()
                for index, _definition, _table in deferred:
                    cur.execute(f"DROP INDEX {index}")
                log(f"  {len(deferred)} secondary indexes dropped until the tables are filled")
            for label, sql in seed_sql.STEPS:
                started = time.monotonic()
                cur.execute(sql, params)
                log(f"  {label}: {time.monotonic() - started:.1f} s")
            for index, definition, table in deferred:
                started = time.monotonic()
                cur.execute(definition)
                if time.monotonic() - started > 5:
                    log(f"  index {index} on {table}: {time.monotonic() - started:.1f} s")
            cur.execute(AUTHENTICATOR_SQL, {"totp_key": TOTP_KEY})
            cur.execute("SET session_replication_role = origin")
            for table in EXPLICIT_IDS:
                cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        if os.environ.get("BENCH_SEED_CHECK", "1") != "0":
            started = time.monotonic()
            check_integrity(conn)
            log(f"  foreign keys proven: {time.monotonic() - started:.1f} s")
        else:
            # The same SQL is proven at every smaller size; a very large set may skip the proof.
            log("  foreign keys not proven (BENCH_SEED_CHECK=0)")
        started = time.monotonic()
        build_facts(name)
        log(f"  reports' read model built: {time.monotonic() - started:.1f} s")
        conn.autocommit = True
        started = time.monotonic()
        with conn.cursor() as cur:
            cur.execute("VACUUM ANALYZE")
        log(f"  vacuum analyze: {time.monotonic() - started:.1f} s")
    finally:
        conn.close()
    return params


def ensure_authenticator(name):
    """The admin's authenticator as a fresh seed makes it, for a database seeded before it existed
    (BENCH_REUSE): idempotent, and it forgets the steps earlier runs used."""
    conn = psycopg2.connect(database_url(name))
    try:
        with conn, conn.cursor() as cur:
            cur.execute(AUTHENTICATOR_SQL, {"totp_key": TOTP_KEY})
    finally:
        conn.close()


def check_integrity(conn):
    """Every foreign key the triggers skipped, checked set-wise: re-validating each constraint is one
    anti-join per key, far cheaper than 5 million row-by-row trigger checks."""
    with conn, conn.cursor() as cur:
        # A key is re-created NOT VALID and then validated: VALIDATE checks the existing rows.
        cur.execute("""
            SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c
            JOIN pg_namespace n ON n.oid = c.connamespace
            WHERE c.contype = 'f' AND n.nspname = 'public'""")
        for table, constraint, definition in cur.fetchall():
            cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{constraint}"')
            cur.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{constraint}" {definition} NOT VALID')
            cur.execute(f'ALTER TABLE {table} VALIDATE CONSTRAINT "{constraint}"')


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("database")
    parser.add_argument("accounts", type=int)
    args = parser.parse_args(argv)
    started = time.monotonic()
    print(f"seeding {args.database}: {seed_sql.shape(args.accounts)}")
    recreate(args.database)
    migrate(args.database)
    print(f"  migrate: {time.monotonic() - started:.1f} s")
    fill(args.database, args.accounts)
    build_read_models(args.database)
    print(f"seeded {args.database} in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
