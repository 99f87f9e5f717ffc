"""`make load`: 20 logged-in managers for 5 minutes on the large data set, reading and logging
visits, through gunicorn on loopback. Passes with zero errors; prints p50/p95 per kind of request
and writes var/bench/load.json.

Each user follows a day's pattern: the dashboard, the account list with a search, one of their
accounts, its org chart, the visit form, a visit logged (POST), with a think time of about a second
between clicks (BENCH_THINK seconds). BENCH_USERS, BENCH_SECONDS and BENCH_WORKERS (gunicorn,
default 4) change the shape.
"""

import json
import os
import random
import subprocess
import sys
import threading
import time
from datetime import datetime

import psycopg2

from bench import seed
from bench.client import Session
from bench.measure import TIME_ZONE, percentile
from bench.pages import active_contact
from bench.server import VAR, Gunicorn, app_env, collectstatic

DB = os.environ.get("BENCH_LOAD_DB", "kam_bench_large")
USERS = int(os.environ.get("BENCH_USERS", 20))
SECONDS = float(os.environ.get("BENCH_SECONDS", 300))
THINK = float(os.environ.get("BENCH_THINK", 1.0))
WORKERS = int(os.environ.get("BENCH_WORKERS", 4))


def portfolios(url, count):
    conn = psycopg2.connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute("""SELECT u.username, array_agg(a.id ORDER BY a.id) FROM users_user u
                           JOIN accounts_account a ON a.owner_id = u.id WHERE u.role = 'manager'
                           GROUP BY u.id ORDER BY u.id LIMIT %s""", [count])
            return cur.fetchall()
    finally:
        conn.close()


def user_day(port, username, accounts, records, lock, stop, rng):
    session = Session("127.0.0.1", port, timeout=60).log_in(username, seed.PASSWORD)
    n = 0
    while not stop.is_set():
        account = rng.choice(accounts)
        n += 1
        steps = [
            ("dashboard", "GET", "/", None),
            ("account list, search", "GET", "/accounts/?q=" + rng.choice(["steel", "pharma", "foods", "co"]), None),
            ("account detail", "GET", f"/accounts/{account}/", None),
            ("org chart", "GET", f"/accounts/{account}/org-chart/", None),
            ("visit form", "GET", f"/visits/new/?account={account}", None),
            ("visit creation (POST)", "POST", "/visits/new/", {
                "account": account, "occurred_at": datetime.now(TIME_ZONE).strftime("%Y-%m-%dT%H:%M"),
                "channel": "phone", "contacts": [active_contact(account, n)], "purpose": f"load-{username}-{n}",
                "summary": "Load test.", "customer_replied": "true", "issues-TOTAL_FORMS": "0",
                "issues-INITIAL_FORMS": "0"}),
        ]
        for name, method, path, data in steps:
            if stop.is_set():
                return
            try:
                status, _, _, seconds = session.request(method, path, data)
                ok = status == (302 if method == "POST" else 200)
            except Exception as exc:
                status, seconds, ok = type(exc).__name__, None, False
            with lock:
                records.append({"name": name, "status": status, "seconds": seconds, "ok": ok})
            time.sleep(rng.uniform(0.5, 1.5) * THINK)


def main():
    env = app_env(DB)
    if subprocess.run([sys.executable, "-c", f"import psycopg2; psycopg2.connect('{env['DATABASE_URL']}')"],
                      capture_output=True).returncode:
        subprocess.run([sys.executable, "-m", "bench.seed", DB, "100000"], check=True)
    collectstatic(env)
    users = portfolios(env["DATABASE_URL"], USERS)
    records, lock, stop = [], threading.Lock(), threading.Event()
    load_before = os.getloadavg()
    with Gunicorn(env, workers=WORKERS, timeout=60, log=VAR / "gunicorn-load.log") as server:
        threads = [threading.Thread(target=user_day, args=(server.port, u, a, records, lock, stop,
                                                            random.Random(i)))
                   for i, (u, a) in enumerate(users)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        time.sleep(SECONDS)
        stop.set()
        for thread in threads:
            thread.join()
        wall = time.monotonic() - started
    result = {"database": DB, "users": len(users), "seconds": round(wall, 1), "think_seconds": THINK,
              "gunicorn_workers": WORKERS, "requests": len(records),
              "errors": sum(1 for r in records if not r["ok"]),
              "error_samples": sorted({str(r["status"]) for r in records if not r["ok"]})[:5],
              "rps": round(len(records) / wall, 1), "loadavg_before": load_before, "loadavg_after": os.getloadavg(),
              "by_request": {}}
    for name in dict.fromkeys(r["name"] for r in records):
        times = [r["seconds"] for r in records if r["name"] == name and r["ok"]]
        result["by_request"][name] = {"n": len(times), "p50_ms": round(percentile(times, 50) * 1000, 1),
                                      "p95_ms": round(percentile(times, 95) * 1000, 1)}
    times = [r["seconds"] for r in records if r["ok"]]
    result["p50_ms"] = round(percentile(times, 50) * 1000, 1)
    result["p95_ms"] = round(percentile(times, 95) * 1000, 1)
    (VAR / "load.json").write_text(json.dumps(result, indent=1))
    print(json.dumps(result, indent=1))
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
