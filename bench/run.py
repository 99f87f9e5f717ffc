"""`make bench`: seed both data sets, serve each with gunicorn, measure every page, its floor and
every beat job, then print the table and write var/bench/results.json.

Environment: BENCH_REQUESTS (per page, default 40), BENCH_BUDGET (seconds per half run, default 12),
BENCH_CONCURRENCY (clients at once, default 2, one per gunicorn worker), BENCH_REUSE=1 to keep
already seeded databases, BENCH_LARGE / BENCH_SMALL (account counts, default 100000 / 1000).

For a run beside the default one (the capacity run of issue 19 at a million accounts):
BENCH_DB_PREFIX (databases are PREFIX + size, default kam_bench_, so kam_bench_small and
kam_bench_large), BENCH_SIZES (comma list of the sizes to seed and measure, default small,large),
BENCH_PAGES=0 (no pages: with BENCH_REUSE=1, the jobs of an already measured set), BENCH_JOBS (0 for
none, or a comma list of beat jobs by full or last dotted name, run in that order; default all),
BENCH_JOB_FLOOR=0 (time each job and its re-run only, without capturing and replaying its SQL: half
the time of a job), BENCH_IMPORT=0 (no 100k-row import), BENCH_TIMEOUT (gunicorn's and the client's
timeout in seconds, default 30), BENCH_SLOW (seconds: a page whose first request takes longer is
measured by that request and one floor; default 0, off), BENCH_OUT (default var/bench/results.json).
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bench import measure, report, seed
from bench import pages as bench_pages
from bench.server import VAR, Gunicorn, app_env, collectstatic

REQUESTS = int(os.environ.get("BENCH_REQUESTS", 40))
# Seconds per half run of a page or a floor (four halves per page and size).
BUDGET = float(os.environ.get("BENCH_BUDGET", 12))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", 2))
SIZES = {"small": int(os.environ.get("BENCH_SMALL", 1000)), "large": int(os.environ.get("BENCH_LARGE", 100000))}
PREFIX = os.environ.get("BENCH_DB_PREFIX", "kam_bench_")
TIMEOUT = int(os.environ.get("BENCH_TIMEOUT", 30))
SLOW = float(os.environ.get("BENCH_SLOW", 0))
OUT = Path(os.environ.get("BENCH_OUT", VAR / "results.json"))


def chosen_sizes():
    names = [s.strip() for s in os.environ.get("BENCH_SIZES", "small,large").split(",") if s.strip()]
    unknown = set(names) - set(SIZES)
    if unknown:
        raise SystemExit(f"BENCH_SIZES: unknown {sorted(unknown)}; choose from {sorted(SIZES)}")
    return {size: SIZES[size] for size in SIZES if size in names}


def chosen_jobs():
    """None for every beat job, [] for none (BENCH_JOBS=0), else the names given."""
    value = os.environ.get("BENCH_JOBS", "").strip()
    if not value:
        return None
    return [] if value == "0" else [name.strip() for name in value.split(",") if name.strip()]


def database_exists(name):
    import psycopg2

    conn = psycopg2.connect(seed.database_url("postgres"))
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            return cur.fetchone() is not None
    finally:
        conn.close()


def prepare(size, accounts):
    name = f"{PREFIX}{size}"
    if not (os.environ.get("BENCH_REUSE") and database_exists(name)):
        subprocess.run([sys.executable, "-m", "bench.seed", name, str(accounts)], check=True)
    seed.ensure_authenticator(name)
    return name


def measure_pages(name):
    env = app_env(name)
    floors = VAR / f"floors-{name}.json"
    subprocess.run([sys.executable, "-m", "bench.capture", name, str(floors)], check=True, env=env)
    ids = bench_pages.ids(env["DATABASE_URL"])
    page_list = bench_pages.pages(ids)
    rng = bench_pages.rng()
    results = []
    with Gunicorn(app_env(name, BENCH_COUNT_QUERIES=1, BENCH_FLOORS=floors), workers=CONCURRENCY,
                  timeout=TIMEOUT) as server:
        sessions = {persona: measure.logged_in(server.port, user, seed.PASSWORD, CONCURRENCY, timeout=TIMEOUT)
                    for persona, user in bench_pages.PERSONAS.items()}
        anonymous = [measure.Session("127.0.0.1", server.port, timeout=TIMEOUT) for _ in range(CONCURRENCY)]
        for key, page in enumerate(page_list):
            row = {"page": page.name, "path": page.path, "method": page.method,
                   "floor_statements": len(json.load(open(floors))[str(key)])}
            # Page and floor alternate in halves, so that a burst of load from the machine's other
            # tenants lands on both rather than on one.
            half = REQUESTS // 2
            runs = {"page": [], "floor": []}
            if SLOW:
                # One request (after the capture's, so not cold): a page slower than BENCH_SLOW is
                # measured by it and one floor, instead of twelve of each at the budget's minimum.
                probe = measure.run(sessions[page.persona][:1], measure.page_request(page, ids, rng), 1, warmup=0)
                if probe["p50_ms"] is None or probe["p50_ms"] > SLOW * 1000:
                    runs["page"].append(probe)
                    runs["floor"].append(measure.run(anonymous[:1], measure.floor_request(key), 1, warmup=0))
                    row["single_request"] = True
            for _ in range(0 if runs["page"] else 2):
                runs["page"].append(measure.run(sessions[page.persona], measure.page_request(page, ids, rng), half,
                                                budget=BUDGET))
                runs["floor"].append(measure.run(anonymous, measure.floor_request(key), half, budget=BUDGET))
            row["page_result"] = merge(runs["page"])
            row["floor_result"] = merge(runs["floor"])
            results.append(row)
            print(f"  {name} {page.name}: p50 {row['page_result']['p50_ms']} ms "
                  f"(floor {row['floor_result']['p50_ms']} ms), {row['page_result']['queries']} queries, "
                  f"errors {row['page_result']['errors']}", flush=True)
    return results


def merge(parts):
    """Two half runs as one: pooled samples are not kept, so percentiles are the halves' mean."""
    def mean(field):
        values = [p[field] for p in parts if p[field] is not None]
        return round(sum(values) / len(values), 1) if values else None
    return {"n": sum(p["n"] for p in parts), "errors": sum(p["errors"] for p in parts),
            "p50_ms": mean("p50_ms"), "p95_ms": mean("p95_ms"), "rps": mean("rps"),
            "queries": max((p["queries"] or 0) for p in parts) or None,
            "error_samples": sum((p["error_samples"] for p in parts), [])[:3]}


def measure_jobs(name, jobs=None, failed=None):
    out = VAR / f"jobs-{name}.json"
    env = app_env(name, CELERY_BROKER_URL="memory://")
    out.unlink(missing_ok=True)
    done = subprocess.run([sys.executable, "-m", "bench.jobs", name, str(out), *(jobs or [])], env=env)
    if done.returncode:
        # bench.jobs writes after every job: keep what finished, and say that the rest did not.
        print(f"bench.jobs exited with {done.returncode}; keeping the jobs that finished", flush=True)
        if failed is not None:
            failed.append(name)
    return json.load(open(out)) if out.exists() else []


def measure_import(name):
    """bench/imports.py (issue 9): a 100,000-row GBK account list, dry run, apply, re-run."""
    out = VAR / "imports.json"
    subprocess.run([sys.executable, "-m", "bench.imports", name, str(out)], check=True, env=app_env(name))
    return json.load(open(out))


def save(results):
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, indent=1))


def commit():
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                              cwd=Path(__file__).resolve().parent.parent).stdout.strip() or None
    except OSError:
        return None


def machine():
    load = os.getloadavg()
    return {"cpus": os.cpu_count(), "loadavg_1_5_15": [round(x, 2) for x in load]}


def main():
    started = time.monotonic()
    VAR.mkdir(parents=True, exist_ok=True)
    results = {"started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "requests_per_page": REQUESTS,
               "concurrency": CONCURRENCY, "machine_before": machine(), "sizes": chosen_sizes(), "pages": {},
               "jobs": {}, "commit": commit()}
    jobs = chosen_jobs()
    databases = {size: prepare(size, accounts) for size, accounts in results["sizes"].items()}
    results["seconds_seeding"] = round(time.monotonic() - started, 1)
    collectstatic(app_env(next(iter(databases.values()))))
    for size, name in databases.items():
        if os.environ.get("BENCH_PAGES", "1") == "0":
            break
        results["pages"][size] = measure_pages(name)
        # Kept as it goes: a long run that fails in its jobs still has its pages.
        save(results)
    # Jobs last: they write tasks and proposals the pages would otherwise show.
    for size, name in databases.items():
        if jobs == []:
            break
        print(f"beat jobs on {name}", flush=True)
        results.setdefault("machine_jobs", {})[size] = {"before": machine()}
        results["jobs"][size] = measure_jobs(name, jobs, failed=results.setdefault("jobs_failed_on", []))
        results["machine_jobs"][size]["after"] = machine()
        save(results)
    if "large" in databases and os.environ.get("BENCH_IMPORT", "1") != "0":
        print(f"import of {os.environ.get('BENCH_IMPORT_ROWS', 100000)} rows on {databases['large']}", flush=True)
        results["import"] = measure_import(databases["large"])
    results["machine_after"] = machine()
    results["seconds_total"] = round(time.monotonic() - started, 1)
    report.add_ratios(results)
    save(results)
    print(report.table(results))
    print(f"\nwritten {OUT}; whole run {results['seconds_total']:.0f} s")
    if results.get("jobs_failed_on"):
        raise SystemExit(f"beat jobs failed on {results['jobs_failed_on']}")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main()
