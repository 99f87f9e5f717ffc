"""Where a page's time goes, in-process: `python -m bench.profile DATABASE [NAME ...] [--cprofile]`.

Asks each bench page (bench/pages.py; NAME picks pages whose name contains it) through Django's
test client with the bench settings, as bench/capture.py does, and prints per page the median of
`BENCH_PROFILE_REQUESTS` (12) requests after two warm-ups: wall time, the Python process's CPU time,
the time spent in SQL (connection.execute_wrapper, the statements' round trips), what is left
(wall - SQL: everything a floor does not do), the query count and the response's bytes. POSTs run
inside a transaction that is rolled back. `--cprofile` prints each page's 25 dearest functions
by own time, and by cumulative time inside the template engine.
"""

import cProfile
import os
import pstats
import statistics
import sys
import time

REQUESTS = int(os.environ.get("BENCH_PROFILE_REQUESTS", 12))


class SqlTimer:
    def __init__(self):
        self.seconds, self.count = 0.0, 0

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - start
            self.count += 1


def measure(wanted, profile):
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.test import Client
    from django.utils import timezone

    from bench import pages as bench_pages

    ids = bench_pages.ids(os.environ["DATABASE_URL"])
    users = {p: get_user_model().objects.get(username=u) for p, u in bench_pages.PERSONAS.items()}
    rng = bench_pages.rng()
    print(f"{'page':40} {'wall':>7} {'cpu':>7} {'sql':>7} {'wall-sql':>8} {'q':>3} {'bytes':>8}   (ms, median)")
    for page in bench_pages.pages(ids):
        if wanted and not any(w in page.name for w in wanted):
            continue
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(users[page.persona])
        client.get("/")

        def ask(page=page, client=client):
            with transaction.atomic():
                if page.method == "POST":
                    response = client.post(page.path, page.form(rng, ids, timezone.localtime()))
                else:
                    response = client.get(page.path)
                transaction.set_rollback(True)
            assert response.status_code in page.expect, (page.name, response.status_code)
            return response

        rows = []
        for n in range(REQUESTS + 2):
            timer = SqlTimer()
            wall, cpu = time.perf_counter(), time.process_time()
            with connection.execute_wrapper(timer):
                response = ask()
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            if n >= 2:
                rows.append((wall, cpu, timer.seconds, wall - timer.seconds, timer.count, len(response.content)))
        med = [statistics.median(column) for column in zip(*rows, strict=True)]
        print(f"{page.name[:40]:40} {med[0] * 1000:7.1f} {med[1] * 1000:7.1f} {med[2] * 1000:7.1f} "
              f"{med[3] * 1000:8.1f} {med[4]:3.0f} {med[5]:8.0f}")
        if profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _n in range(5):
                ask()
            profiler.disable()
            stats = pstats.Stats(profiler, stream=sys.stdout)
            stats.sort_stats("tottime").print_stats(25)
            stats.sort_stats("cumulative").print_stats(r"django/template|templatetags", 25)


if __name__ == "__main__":
    args = sys.argv[1:]
    os.environ["DATABASE_URL"] = f"{os.environ.get('BENCH_PG', 'postgres://postgres@127.0.0.1:5432')}/{args[0]}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.bench")
    measure([a for a in args[1:] if a != "--cprofile"], "--cprofile" in args)
