"""Timed runs: N requests from C logged-in clients at once; percentiles, rps, query counts."""

import statistics
import threading
import time
from datetime import datetime
from zoneinfo import ZoneInfo

from bench.client import Session

TIME_ZONE = ZoneInfo("Asia/Shanghai")


def percentile(values, p):
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def summary(latencies, wall, errors, query_counts=()):
    return {
        "n": len(latencies), "errors": errors,
        "p50_ms": round(percentile(latencies, 50) * 1000, 1) if latencies else None,
        "p95_ms": round(percentile(latencies, 95) * 1000, 1) if latencies else None,
        "mean_ms": round(statistics.fmean(latencies) * 1000, 1) if latencies else None,
        "rps": round(len(latencies) / wall, 1) if wall else None,
        "queries": max(query_counts) if query_counts else None,
    }


def run(sessions, make_request, total, warmup=1, budget=None, minimum=4):
    """`make_request(session, i)` -> (status, headers, body, seconds, ok). Returns the summary.
    With `budget` (seconds), stops early once that much time has passed and `minimum` requests
    are done: a five-second page gets fewer samples rather than stretching the run to an hour."""
    latencies, query_counts, errors = [], [], []
    for session in sessions:
        for i in range(warmup):
            try:
                make_request(session, -1 - i)
            except Exception as exc:  # a page over the timeout is a result of the run, not its end
                errors.append(repr(exc))
    if errors:
        result = summary([], 0, len(errors))
        result["error_samples"] = [str(e) for e in errors[:3]]
        return result
    lock = threading.Lock()
    counter = iter(range(total))

    def worker(session):
        while True:
            with lock:
                done = len(latencies) + len(errors)
                over = budget is not None and time.perf_counter() - started > budget and done >= minimum
                i = None if over else next(counter, None)
            if i is None:
                return
            try:
                status, headers, _, seconds, ok = make_request(session, i)
            except Exception as exc:  # a refused or reset connection is an error, not a crash
                with lock:
                    errors.append(repr(exc))
                continue
            with lock:
                if ok:
                    latencies.append(seconds)
                    if headers.get("X-Query-Count"):
                        query_counts.append(int(headers["X-Query-Count"]))
                else:
                    errors.append(status)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(s,)) for s in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result = summary(latencies, time.perf_counter() - started, len(errors), query_counts)
    result["error_samples"] = [str(e) for e in errors[:3]]
    return result


def page_request(page, ids, rng):
    def make(session, i):
        data = page.form(rng, ids, datetime.now(TIME_ZONE)) if page.form else None
        status, headers, body, seconds = session.request(page.method, page.path, data)
        return status, headers, body, seconds, status in page.expect
    return make


def floor_request(key):
    def make(session, i):
        status, headers, body, seconds = session.request("GET", f"/__bench/floor/{key}/", cookies=False)
        return status, headers, body, seconds, status == 200
    return make


def logged_in(port, username, password, count, timeout=30):
    return [Session("127.0.0.1", port, timeout=timeout).log_in(username, password) for _ in range(count)]
