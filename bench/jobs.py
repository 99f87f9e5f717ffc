"""Time every beat job against one database: `python -m bench.jobs DATABASE OUT.json [JOB …]`.

Per job: its time and the rows it wrote (inserted, updated, deleted — read from
pg_stat_xact_user_tables inside the job's transaction, so nothing is missed), the same for an
immediate re-run (idempotent jobs write nothing), and its floor: the job's own statements,
captured once and replayed raw through psycopg2 with no Python around them. Every job is already
set-based `INSERT … SELECT`, so the floor is exactly "a raw INSERT … SELECT doing the same work";
a job that looped per row would show it as a statement count growing with the data.

Jobs may be named in full or by their last dotted part (`tier_evaluate`). BENCH_JOB_FLOOR=0 skips
the captured run and the replay (floor, ratio and statement count are then null): half the time, for
jobs that take minutes on a very large set.
"""

import json
import os
import sys
import time
from importlib import import_module

STATS = """SELECT coalesce(sum(n_tup_ins), 0), coalesce(sum(n_tup_upd), 0), coalesce(sum(n_tup_del), 0)
           FROM pg_stat_xact_user_tables"""
# Liveness and housekeeping entries are left out: they write a row or clear expired ones.
SKIP = {"core.tasks.heartbeat", "users.tasks.sessions_clear_expired", "users.tasks.lockouts_clear_expired"}


def task(name):
    module, function = name.rsplit(".", 1)
    return getattr(import_module(module), function)


def timed_run(job, connection, transaction, rollback=False):
    started = time.perf_counter()
    with transaction.atomic():
        # Since PostgreSQL 15 the view may still hold an earlier transaction's unflushed counts:
        # the difference inside this transaction is this job's alone.
        with connection.cursor() as cursor:
            cursor.execute(STATS)
            before = cursor.fetchone()
        result = job()
        with connection.cursor() as cursor:
            cursor.execute(STATS)
            inserted, updated, deleted = (int(a - b) for a, b in zip(cursor.fetchone(), before, strict=True))
        if rollback:
            transaction.set_rollback(True)
    return time.perf_counter() - started, result, {"inserted": inserted, "updated": updated, "deleted": deleted}


def replay(statements, connection, transaction):
    started = time.perf_counter()
    with transaction.atomic():
        raw = connection.connection.cursor()  # psycopg2's own cursor: no Django in the loop
        for sql in statements:
            raw.execute(sql)
            if raw.description is not None:
                raw.fetchall()
        transaction.set_rollback(True)
    return time.perf_counter() - started


def measure(names, out=None):
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    with_floor = os.environ.get("BENCH_JOB_FLOOR", "1") != "0"
    results = []
    for name in names:
        job = task(name)
        statements, floor = None, None
        if with_floor:
            with transaction.atomic(), CaptureQueriesContext(connection) as captured:
                job()
                transaction.set_rollback(True)
            statements = [q["sql"] for q in captured.captured_queries if not q["sql"].startswith(
                ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT"))]
            floor = replay(statements, connection, transaction)
        seconds, result, rows = timed_run(job, connection, transaction)
        again_seconds, again_result, again_rows = timed_run(job, connection, transaction)
        results.append({
            "job": name, "seconds": round(seconds, 3), "rows": rows, "returned": _plain(result),
            "rerun_seconds": round(again_seconds, 3), "rerun_rows": again_rows,
            "rerun_returned": _plain(again_result),
            "statements": len(statements) if statements is not None else None,
            "floor_seconds": round(floor, 3) if floor is not None else None,
            "ratio_floor": round(seconds / floor, 2) if floor else None,
        })
        print(f"  {name}: {seconds:.2f} s, {rows}; re-run {again_seconds:.2f} s, {again_rows}; "
              f"floor {'-' if floor is None else f'{floor:.2f}'} s", flush=True)
        if out:
            # Written after every job: a run stopped in a long job keeps the ones before it.
            with open(out, "w") as file:
                json.dump(results, file, indent=1)
    return results


def _named(name, chosen):
    return name == chosen or name.rsplit(".", 1)[-1] == chosen


def _plain(value):
    return value if isinstance(value, (int, float, str, type(None))) else repr(value)


def main():
    os.environ["DATABASE_URL"] = f"{os.environ.get('BENCH_PG', 'postgres://postgres@127.0.0.1:5432')}/{sys.argv[1]}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.bench")
    # The hourly digest sends from this local hour on: from midnight, so that it is measured at
    # whatever hour the bench runs (otherwise it would time a no-op before 08:00).
    os.environ.setdefault("NOTIFICATIONS_DIGEST_HOUR", "0")
    import django

    django.setup()
    from config.celery import app

    names = [entry["task"] for entry in app.conf.beat_schedule.values() if entry["task"] not in SKIP]
    if chosen := sys.argv[3:]:
        unknown = [c for c in chosen if not any(_named(n, c) for n in names)]
        if unknown:
            raise SystemExit(f"not beat jobs: {unknown}")
        # In the order asked for, so that a long run does the quick jobs first.
        names = [name for c in chosen for name in names if _named(name, c)]
    measure(names, out=sys.argv[2])


if __name__ == "__main__":
    main()
