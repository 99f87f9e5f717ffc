"""`make faults`: five faults injected under load, each asserting that nothing was lost or
duplicated. Loopback only, bounded in time (about five minutes in all); see docs/RELIABILITY.md.

  redis     the broker stops while users log visits: pages answer within 5 s, visits are saved,
            and the overlap e-mails queued meanwhile are sent once Redis is back (sweeper)
  postgres  a private PostgreSQL cluster restarts under load: errors only around the restart,
            the app recovers without a restart of its own
  sigkill   a worker is SIGKILLed mid-job: the job is redelivered and re-run, rows made once
  beats     two beat processes at once, and every job dispatched twice at the same moment
  visibility  Redis' visibility timeout shorter than a job: redelivered while running, harmless
  receivers  the mail server and a DingTalk robot are down, and the broker too, during a burst of
            events (overlaps and the daily digest), then back (the robot flaky): each message
            is delivered exactly once, counted where it arrives

`python -m bench.faults [scenario …]` runs some; results in var/bench/faults.json.
"""

import base64
import hashlib
import hmac
import json
import os
import shutil
import subprocess
import sys
import threading
import time
import uuid
from datetime import datetime

import psycopg2

from bench import seed
from bench.client import Session
from bench.measure import TIME_ZONE
from bench.pages import active_contact
from bench.server import VAR, Gunicorn, app_env, collectstatic
from bench.services import Celery, PrivatePostgres, Redis

DB = "kam_bench_faults"
ACCOUNTS = 5000
OUT = VAR / "faults"
MAIL = OUT / "mail"
ANSWER_WITHIN = 5.0


class Failed(AssertionError):
    pass


def check(condition, message):
    if not condition:
        raise Failed(message)


# --- helpers ------------------------------------------------------------------------------------

def env_for(database, broker, **extra):
    return app_env(database, CELERY_BROKER_URL=broker, BENCH_EMAIL_BACKEND="django.core.mail.backends.filebased."
                   "EmailBackend", BENCH_EMAIL_DIR=MAIL, DJANGO_LOG_LEVEL="WARNING", **extra)


def sql(url, query, params=()):
    conn = psycopg2.connect(url)
    try:
        with conn, conn.cursor() as cur:
            cur.execute(query, params)
            return cur.fetchall() if cur.description else cur.rowcount
    finally:
        conn.close()


def pair(url):
    """A key account with its owner and a teammate who serves it (K-05): both may log visits there,
    and each one's visit overlaps the other's (K-24), so every visit queues an e-mail."""
    return sql(url, """SELECT a.id, o.username, t.username FROM accounts_account a
                       JOIN accounts_accountteammember m ON m.account_id = a.id
                       JOIN users_user o ON o.id = a.owner_id JOIN users_user t ON t.id = m.user_id
                       ORDER BY a.id LIMIT 1""")[0]


def mails_sent():
    if not MAIL.exists():
        return 0
    return sum(path.read_text(errors="replace").count("\nSubject: ") + path.read_text(errors="replace")
               .startswith("Subject: ") for path in MAIL.iterdir())


class Load:
    """Logged-in users logging visits (each with a unique purpose and, like the form, a one-time
    key) and reading the dashboard, until stopped; every request's time, status, purpose and
    (for a visit) what was posted is kept, so that a failed one can be sent again."""

    def __init__(self, port, account, usernames, readers=1, pause=0.05, tag="fault"):
        self.port, self.account, self.usernames, self.readers = port, account, usernames, readers
        self.pause, self.tag = pause, tag
        self.records, self.lock, self.stopping = [], threading.Lock(), threading.Event()
        self.counter = iter(range(10**9))

    def _post(self, username):
        session = Session("127.0.0.1", self.port, timeout=30).log_in(username, seed.PASSWORD)
        while not self.stopping.is_set():
            with self.lock:
                n = next(self.counter)
            purpose = f"{self.tag}-{n}"
            data = {"account": self.account, "occurred_at": datetime.now(TIME_ZONE).strftime("%Y-%m-%dT%H:%M"),
                    "channel": "phone", "contacts": [active_contact(self.account, n % 3)], "purpose": purpose,
                    "summary": "Fault drill.", "customer_replied": "true", "issues-TOTAL_FORMS": "0",
                    "issues-INITIAL_FORMS": "0", "create_key": str(uuid.uuid4())}
            self._record("POST", purpose, lambda data=data: session.request("POST", "/visits/new/", data),
                         username=username, data=data)
            time.sleep(self.pause)

    def _get(self, username):
        session = Session("127.0.0.1", self.port, timeout=30).log_in(username, seed.PASSWORD)
        while not self.stopping.is_set():
            self._record("GET", None, lambda: session.request("GET", "/"))
            time.sleep(self.pause)

    def _record(self, method, purpose, call, **extra):
        started = time.monotonic()
        try:
            status = call()[0]
        except Exception as exc:  # refused, reset or timed out: an error, timed like any answer
            status = type(exc).__name__
        with self.lock:
            self.records.append({"at": started, "seconds": time.monotonic() - started, "method": method,
                                 "purpose": purpose, "status": status, **extra})

    def __enter__(self):
        self.threads = [threading.Thread(target=self._post, args=(u,)) for u in self.usernames]
        self.threads += [threading.Thread(target=self._get, args=(self.usernames[0],)) for _ in range(self.readers)]
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        for thread in self.threads:
            thread.join()

    def ok(self, record):
        return record["status"] == (302 if record["method"] == "POST" else 200)

    def saved_purposes(self):
        return {r["purpose"] for r in self.records if r["method"] == "POST" and r["status"] == 302}


def resend_failed(port, url, load, result):
    """Each user sends again every visit that was answered with an error, as a browser's resend
    or the form's kept draft does: the same data, the same one-time key. A visit that was saved
    but answered 500 (REL-1) must then be shown, not saved a second time. Five visits that were
    answered 302 are sent again too (a double submit): each must stay one visit."""
    failed = [r for r in load.records if r["method"] == "POST" and r["status"] != 302]
    doubled = [r for r in load.records if r["method"] == "POST" and r["status"] == 302][-5:]
    saved = {p for (p,) in sql(url, "SELECT purpose FROM visits_visit WHERE purpose LIKE %s", [f"{load.tag}-%"])}
    sessions = {}
    answers = []
    for record in failed + doubled:
        if record["username"] not in sessions:
            sessions[record["username"]] = Session("127.0.0.1", port, timeout=30).log_in(record["username"],
                                                                                      seed.PASSWORD)
        answers.append(sessions[record["username"]].request("POST", "/visits/new/", record["data"])[0])
    counts = dict(sql(url, "SELECT purpose, count(*) FROM visits_visit WHERE purpose LIKE %s GROUP BY purpose",
                      [f"{load.tag}-%"]))
    saved_but_failed = [r for r in failed if r["purpose"] in saved]
    result.update(posts_answered_error=len(failed), saved_but_answered_error=len(saved_but_failed),
                  resent=len(failed), double_submits=len(doubled), resends_answered_302=answers.count(302),
                  saved_but_answered_error_duplicated_by_a_resend=sum(
                      1 for r in saved_but_failed if counts.get(r["purpose"], 0) > 1))
    check(answers.count(302) == len(answers), f"resends answered {sorted(set(map(str, answers)))}")
    check(all(counts.get(r["purpose"]) == 1 for r in doubled), "a double submit made a second visit")
    check(result["saved_but_answered_error_duplicated_by_a_resend"] == 0,
          "a visit saved but answered with an error was saved again when resent")
    return {r["purpose"] for r in failed}  # all answered now: each is one visit in the database


def visits_check(url, load, result, resent=frozenset()):
    """Every answered POST (or `resent` one) is one visit; nothing answered with an error was saved twice."""
    rows = sql(url, "SELECT purpose, count(*) FROM visits_visit WHERE purpose LIKE %s GROUP BY purpose",
               [f"{load.tag}-%"])
    in_db = dict(rows)
    answered = load.saved_purposes() | set(resent)
    result["visits_answered_302"] = len(answered)
    result["visits_in_db"] = len(in_db)
    result["duplicates"] = sum(1 for n in in_db.values() if n > 1)
    check(result["duplicates"] == 0, "a visit was saved twice")
    check(answered <= set(in_db), f"{len(answered - set(in_db))} answered visits are missing")
    result["saved_after_an_error"] = len(set(in_db) - answered)


def django_setup(database, broker):
    os.environ.update(env_for(database, broker))
    import django

    django.setup()


# --- scenarios -----------------------------------------------------------------------------------

def _manage(env, code):
    out = subprocess.run([sys.executable, "manage.py", "shell", "-c", code], env=env, capture_output=True,
                         text=True, check=True)
    return int(out.stdout.strip().splitlines()[-1])


SWEEP = ("from datetime import timedelta; from core import outbox; outbox.SWEEP_GRACE = timedelta(0); "
         "print(outbox.outbox_sweep())")


def scenario_redis(redis, result):
    url = f"{seed.SERVER}/{DB}"
    account, owner, teammate = pair(url)
    env = env_for(DB, redis.url)
    worker = Celery(env, name="redis-w").start().wait_ready()
    try:
        with Gunicorn(env, workers=2, log=OUT / "gunicorn-redis.log") as server, \
                Load(server.port, account, [owner, teammate], tag="redis") as load:
            time.sleep(5)
            down = time.monotonic()
            redis.stop()
            time.sleep(10)
            redis.start()
            up = time.monotonic()
            time.sleep(8)
        worst = max(r["seconds"] for r in load.records)
        failed = [r for r in load.records if not load.ok(r)]
        during = [r for r in load.records if down <= r["at"] < up]
        result.update(requests=len(load.records), during_outage=len(during), errors=len(failed),
                      slowest_seconds=round(worst, 2), error_samples=[r["status"] for r in failed[:3]])
        check(len(during) >= 10, "too few requests while Redis was down to judge")
        check(worst < ANSWER_WITHIN, f"a request took {worst:.1f} s (limit {ANSWER_WITHIN} s)")
        check(not failed, f"{len(failed)} requests failed: {result['error_samples']}")
        visits_check(url, load, result)
        # The worker drains what was queued before and after; the sweeper sends the rest.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and _unsent(url) and _queued(redis):
            time.sleep(1)
        time.sleep(2)
        result["unsent_before_sweep"] = _unsent(url)
        result["sent_by_sweeper"] = _manage(env, SWEEP)
        time.sleep(2)
    finally:
        worker.stop()
    # Each alert's e-mail (to the other manager) is the outbox row keyed
    # "n:overlap:<visit>:<other visit>:<contact>:<recipient>:email" (notifications.services).
    alerts = sql(url, "SELECT count(*), count(m.sent_at) FROM visits_overlapalert a JOIN visits_visit v "
                      "ON v.id = a.visit_id JOIN visits_visit o ON o.id = a.other_visit_id "
                      "LEFT JOIN core_outboxmessage m ON m.dedupe_key = 'n:overlap:' || a.visit_id || ':' "
                      "|| a.other_visit_id || ':' || a.contact_id || ':' || o.author_id || ':email' "
                      "WHERE v.purpose LIKE 'redis-%%'")[0]
    result.update(alerts=alerts[0], alerts_notified=alerts[1], mails=mails_sent())
    check(result["sent_by_sweeper"] > 0, "nothing was left to the sweeper: Redis was not down when it mattered?")
    check(alerts[0] == alerts[1], f"{alerts[0] - alerts[1]} overlap alerts never sent")
    check(result["mails"] == alerts[0], f"{result['mails']} e-mails for {alerts[0]} alerts")


def _unsent(url):
    return sql(url, "SELECT count(*) FROM core_outboxmessage WHERE sent_at IS NULL AND NOT dead")[0][0]


def _queued(redis):
    out = subprocess.run(["redis-cli", "-p", str(redis.port), "llen", "celery"], capture_output=True, text=True)
    return int(out.stdout.strip() or 0)


def scenario_postgres(redis, result):
    pg = PrivatePostgres().start()
    try:
        subprocess.run([sys.executable, "-m", "bench.seed", DB, "1000"], check=True, stdout=subprocess.DEVNULL,
                       env={**os.environ, "BENCH_PG": pg.server})
        url = f"{pg.server}/{DB}"
        account, owner, teammate = pair(url)
        env = env_for(url, redis.url)
        with Gunicorn(env, workers=2, log=OUT / "gunicorn-postgres.log") as server:
            with Load(server.port, account, [owner, teammate], readers=2, tag="pg") as load:
                time.sleep(6)
                began = time.monotonic()
                pg.restart()
                ended = time.monotonic()
                time.sleep(10)
            failed = [r for r in load.records if not load.ok(r)]
            resent = resend_failed(server.port, url, load, result)
        late = [r for r in failed if r["at"] > ended + 3]
        result.update(requests=len(load.records), errors=len(failed), restart_seconds=round(ended - began, 2),
                      errors_after_restart_plus_3s=len(late), error_samples=sorted({str(r["status"]) for r in failed}),
                      slowest_seconds=round(max(r["seconds"] for r in load.records), 2))
        after = [r for r in load.records if r["at"] > ended + 3]
        check(len(after) >= 10, "too few requests after the restart to judge")
        check(not late, f"{len(late)} errors more than 3 s after the restart: the app did not recover")
        check(len(failed) <= 20, f"{len(failed)} errors around one restart")
        visits_check(url, load, result, resent=resent)
    finally:
        pg.stop()


def _job_rows(env, job, rollback):
    """Run one job in this process' Django; returns what it wrote (rows of pg_stat_xact)."""
    from django.db import connection, transaction

    from bench.jobs import STATS, task
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(STATS)
            before = cursor.fetchone()
        task(job)()
        with connection.cursor() as cursor:
            cursor.execute(STATS)
            after = cursor.fetchone()
        if rollback:
            transaction.set_rollback(True)
    return int(after[0] - before[0])


COUNT_STEPS = "SELECT count(*) FROM visits_aftersalesstep"
SLOW_JOB = "visits.tasks.after_sales_schedule"


def _fresh_after_sales(url):
    """The slow job's work undone, so that it has seconds of work to be interrupted in."""
    sql(url, "DELETE FROM visits_aftersalesstep")
    sql(url, "UPDATE accounts_order SET created_at = now()")


def _wait_for(predicate, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def _busy(url, text):
    return bool(sql(url, "SELECT 1 FROM pg_stat_activity WHERE datname = %s AND state = 'active' "
                         "AND query LIKE %s AND pid <> pg_backend_pid()", [DB, f"%{text}%"]))


def scenario_sigkill(redis, result):
    url = f"{seed.SERVER}/{DB}"
    _fresh_after_sales(url)
    expected = _job_rows(None, SLOW_JOB, rollback=True)
    env = env_for(DB, redis.url, CELERY_VISIBILITY_TIMEOUT=5)
    from config.celery import app

    first = Celery(env, name="kill-w1").start().wait_ready()
    try:
        task_id = app.send_task(SLOW_JOB).id
        check(_wait_for(lambda: _busy(url, "visits_aftersalesstep"), 60), "the job never started")
        time.sleep(0.5)
        first.kill()
        # The killed worker's statement may still finish on the server (PostgreSQL notices a vanished
        # client only when it answers): then it commits as one statement, and the re-run adds nothing.
        result["rows_right_after_kill"] = sql(url, COUNT_STEPS)[0][0]
        # A SIGKILLed worker acknowledged nothing: Redis hands the job to the next worker once the
        # visibility timeout (5 s here, an hour in production) has passed.
        second = Celery(env, name="kill-w2").start().wait_ready()
        try:
            done = _wait_for(lambda: sql(url, "SELECT 1 FROM reports_jobrun WHERE task_id = %s AND status = "
                                              "'succeeded'", [task_id]), 90)
        finally:
            second.stop()
    finally:
        first.stop()
    made = sql(url, COUNT_STEPS)[0][0]
    again = _job_rows(None, SLOW_JOB, rollback=False)
    result.update(expected_rows=expected, rows_after_rerun=made, rows_made_by_another_run=again, re_ran=done)
    check(done, "the job was not re-run after the kill")
    check(made == expected, f"{made} rows, expected {expected}")
    check(again == 0, "a further run made rows: duplicates")


def scenario_beats(redis, result):
    url = f"{seed.SERVER}/{DB}"
    env = env_for(DB, redis.url)
    from django.db import connection

    from bench.jobs import SKIP
    from config.celery import app

    jobs = [e["task"] for e in app.conf.beat_schedule.values() if e["task"] not in SKIP]
    _fresh_after_sales(url)
    tables = ["care_caretask", "care_caredigest", "visits_aftersalesstep", "tiering_tierproposal",
              "tiering_accounttier", "tiering_tierchange", "tiering_tierreview"]

    def counts():
        return {t: sql(url, f"SELECT count(*) FROM {t}")[0][0] for t in tables}

    # What one beat would make: every job once, in a transaction rolled back.
    before = counts()
    from django.db import transaction
    with transaction.atomic():
        for job in jobs:
            _job_rows(None, job, rollback=False)
        with connection.cursor() as cursor:
            expected = {}
            for t in tables:
                cursor.execute(f"SELECT count(*) FROM {t}")
                expected[t] = cursor.fetchone()[0]
        transaction.set_rollback(True)
    sql(url, "DELETE FROM reports_jobrun")
    worker = Celery(env, name="beats-w", concurrency=2).start().wait_ready()
    beats = [Celery(env, kind="beat", name=f"beat{i}").start() for i in (1, 2)]
    try:
        # What two beats do at 06:00: every job sent twice at the same moment.
        for job in jobs:
            app.send_task(job)
            app.send_task(job)
        finished = _wait_for(lambda: sql(url, "SELECT count(*) FROM reports_jobrun WHERE status = 'succeeded' "
                                              "AND task <> 'core.tasks.heartbeat'")[0][0] >= 2 * len(jobs), 120)
        # And both beats really running: each sends the every-minute heartbeat.
        now = time.time()
        time.sleep(max(0, 62 - now % 60 + 8) if now % 60 > 50 else 70 - now % 60)
    finally:
        for beat in beats:
            beat.stop()
        worker.stop()
    after = counts()
    heartbeats = sql(url, "SELECT count(*) FROM reports_jobrun WHERE task = 'core.tasks.heartbeat'")[0][0]
    result.update(jobs=len(jobs), all_ran_twice=finished, heartbeats_in_the_minute=heartbeats,
                  made={t: after[t] - before[t] for t in tables},
                  expected={t: expected[t] - before[t] for t in tables})
    check(finished, "not every job ran twice")
    check(heartbeats >= 2, "the two beats did not both send the heartbeat")
    check(after == expected, f"two beats made {result['made']}, one makes {result['expected']}")


def scenario_visibility(redis, result):
    url = f"{seed.SERVER}/{DB}"
    _fresh_after_sales(url)
    expected = _job_rows(None, SLOW_JOB, rollback=True)
    env = env_for(DB, redis.url, CELERY_VISIBILITY_TIMEOUT=1)
    from config.celery import app

    workers = [Celery(env, name=f"vis-w{i}").start().wait_ready() for i in (1, 2)]
    try:
        task_id = app.send_task(SLOW_JOB).id
        done = _wait_for(lambda: sql(url, "SELECT 1 FROM reports_jobrun WHERE task_id = %s AND status = "
                                          "'succeeded'", [task_id]), 90)
        time.sleep(5)  # any redelivery finishes too
    finally:
        for worker in workers:
            worker.stop()
    deliveries = sum(w.log.read_text(errors="replace").count(f"[{task_id}] received") for w in workers)
    made = sql(url, COUNT_STEPS)[0][0]
    again = _job_rows(None, SLOW_JOB, rollback=False)
    result.update(expected_rows=expected, rows=made, deliveries=deliveries, rows_made_by_another_run=again)
    check(done, "the job never finished")
    check(made == expected and again == 0, f"{made} rows, expected {expected}; another run made {again}")


ROBOT_SECRET = "SECdrill0123456789"


def dingtalk(every_nth_fails=5):
    """A DingTalk custom robot as it documents itself: the HMAC-SHA256 signature of
    "timestamp\nsecret" in the query, a markdown message; and, to be flaky, HTTP 500 for every
    n-th call (a refusal: the outbox must try again, and never count it as delivered)."""
    calls = iter(range(10**9))

    def answer(request):
        query = request["query"]
        expected = base64.b64encode(hmac.new(ROBOT_SECRET.encode(), f"{query.get('timestamp')}\n{ROBOT_SECRET}"
                                             .encode(), hashlib.sha256).digest()).decode()
        if query.get("sign") != expected:
            return 200, {"errcode": 310000, "errmsg": "sign not match"}
        if request["json"].get("msgtype") != "markdown":
            return 200, {"errcode": 40035, "errmsg": "bad message"}
        if next(calls) % every_nth_fails == every_nth_fails - 1:
            return 500, {"errcode": -1, "errmsg": "system busy"}
        return 200, {"errcode": 0, "errmsg": "ok"}
    return answer


def _robot_for(url, team_of, people, hook):
    """The team's DingTalk robot, and the two managers told there of overlaps and of their day."""
    sql(url, """DELETE FROM notifications_robot WHERE platform = 'dingtalk'
                AND team_id = (SELECT team_id FROM users_user WHERE username = %s)""", [team_of])
    sql(url, """INSERT INTO notifications_robot (team_id, platform, url, secret, created_at)
                SELECT team_id, 'dingtalk', %s, %s, now() FROM users_user WHERE username = %s""",
        [hook, ROBOT_SECRET, team_of])
    sql(url, """INSERT INTO notifications_preference (user_id, kind, channel, enabled)
                SELECT u.id, k.kind, c.channel, TRUE FROM users_user u,
                       unnest(ARRAY['overlap', 'digest']) AS k(kind), unnest(ARRAY['email', 'dingtalk']) AS c(channel)
                WHERE u.username = ANY(%s)
                ON CONFLICT ON CONSTRAINT notification_preference_once DO UPDATE SET enabled = TRUE""", [list(people)])


def scenario_receivers(redis, result):
    from tests.receivers import HttpReceiver, SmtpReceiver, free_port

    url = f"{seed.SERVER}/{DB}"
    account, owner, teammate = pair(url)
    smtp_port, http_port = free_port(), free_port()
    _robot_for(url, owner, (owner, teammate), f"http://127.0.0.1:{http_port}/robot/send?access_token=drill")
    since = sql(url, "SELECT now()")[0][0]
    env = {**env_for(DB, redis.url, NOTIFICATIONS_DIGEST_HOUR="0"),
           "BENCH_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
           "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}"}
    worker = Celery(env, name="receivers-w").start().wait_ready()
    try:
        # The burst, with nothing listening on either receiver's port: every send fails and waits.
        with Gunicorn(env, workers=2, log=OUT / "gunicorn-receivers.log") as server, \
                Load(server.port, account, [owner, teammate], tag="receivers") as load:
            time.sleep(4)
            redis.stop()
            # The daily digest fans out to everyone while the broker is down (as its beat would).
            result["digests"] = _manage(env, "from reports.digest import daily_digest; print(daily_digest())")
            time.sleep(4)
            redis.start()
            time.sleep(4)
        failed = [r for r in load.records if not load.ok(r)]
        result.update(requests=len(load.records), errors=len(failed))
        check(not failed, f"{len(failed)} requests failed: {[r['status'] for r in failed[:3]]}")
        visits_check(url, load, result)
        time.sleep(3)  # the worker's last attempts
        mine = "FROM core_outboxmessage WHERE created_at >= %s"
        (result["queued_email"], result["queued_webhook"], result["failed_while_down"],
         result["never_tried"]) = sql(url, f"""SELECT count(*) FILTER (WHERE channel = 'email'),
            count(*) FILTER (WHERE channel = 'webhook'), count(*) FILTER (WHERE attempts > 0),
            count(*) FILTER (WHERE attempts = 0) {mine}""", [since])[0]
        check(result["queued_webhook"] > 0 and result["queued_email"] > 0,
              "the burst queued no e-mail or no robot post")
        check(sql(url, f"SELECT count(*) {mine} AND sent_at IS NOT NULL", [since])[0][0] == 0,
              "something was sent while every receiver was down")
        check(result["failed_while_down"] > 0 and result["never_tried"] > 0,
              "the broker or the receivers were not down when it mattered")

        with SmtpReceiver(port=smtp_port) as smtp, HttpReceiver(dingtalk(), port=http_port) as robot:
            deadline, sweeps = time.monotonic() + 180, 0
            while time.monotonic() < deadline and sql(url, f"SELECT count(*) {mine} AND sent_at IS NULL",
                                                      [since])[0][0]:
                # The drill cannot wait out the backoff (up to hours): what failed is due now.
                sql(url, "UPDATE core_outboxmessage SET next_attempt_at = now() "
                         "WHERE created_at >= %s AND sent_at IS NULL AND NOT dead", [since])
                _manage(env, SWEEP)
                sweeps += 1
            result["sweeps"] = sweeps
            result["second_sweep"] = _manage(env, SWEEP)
            ids = [pk for (pk,) in sql(url, f"SELECT id {mine}", [since])]
            # Every task delivered again (acks_late after a lost ack): nothing is sent twice.
            result["redelivered_sent"] = _manage(env, f"from core.tasks import outbox_send; print(outbox_send({ids}))")
            time.sleep(1)
            message_ids = [m["Message-ID"] for m in smtp.messages]
            result.update(mails=len(message_ids), distinct_mails=len(set(message_ids)), robot_posts=len(robot.requests))
        unsent, dead = sql(url, f"SELECT count(*) FILTER (WHERE sent_at IS NULL), count(*) FILTER (WHERE dead) {mine}",
                           [since])[0]
        result.update(unsent_after=unsent, dead_after=dead)
    finally:
        worker.stop()
    check(unsent == 0 and dead == 0, f"{unsent} messages never delivered ({dead} dead letters)")
    check(result["second_sweep"] == 0 and result["redelivered_sent"] == 0, "a second sweep or redelivery sent again")
    check(result["mails"] == result["distinct_mails"] == result["queued_email"],
          f"{result['mails']} e-mails ({result['distinct_mails']} distinct) for {result['queued_email']} queued")
    check(result["robot_posts"] == result["queued_webhook"],
          f"{result['robot_posts']} robot posts taken for {result['queued_webhook']} queued")


SCENARIOS = {"redis": scenario_redis, "postgres": scenario_postgres, "sigkill": scenario_sigkill,
             "beats": scenario_beats, "visibility": scenario_visibility, "receivers": scenario_receivers}


def main(argv):
    names = argv or list(SCENARIOS)
    shutil.rmtree(OUT, ignore_errors=True)
    MAIL.mkdir(parents=True)
    print(f"seeding {DB} ({ACCOUNTS} accounts)", flush=True)
    subprocess.run([sys.executable, "-m", "bench.seed", DB, str(ACCOUNTS)], check=True, stdout=subprocess.DEVNULL)
    # Pages render through the manifest storage: without collectstatic every page is a 500 (a fresh clone).
    collectstatic(app_env(DB))
    redis = Redis().start()
    django_setup(DB, redis.url)
    results, failed = {}, []
    try:
        for name in names:
            result = {}
            started = time.monotonic()
            print(f"--- {name}", flush=True)
            try:
                if not redis.process or redis.process.poll() is not None:
                    redis.start()
                SCENARIOS[name](redis, result)
                result["passed"] = True
            except Failed as exc:
                result.update(passed=False, failure=str(exc))
                failed.append(name)
            result["seconds"] = round(time.monotonic() - started, 1)
            results[name] = result
            print(json.dumps(result, default=str), flush=True)
    finally:
        redis.stop()
    (VAR / "faults.json").write_text(json.dumps(results, indent=1, default=str))
    print(f"\n{len(names) - len(failed)}/{len(names)} fault scenarios passed"
          + (f"; failed: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
