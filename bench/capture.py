"""Capture each page's SQL for its floor: `python -m bench.capture DATABASE OUT.json`.

Runs in-process with the bench settings (DATABASE_URL chosen by the caller): each page is asked
once through Django's test client inside a transaction that is rolled back, so a POST leaves
nothing behind and its captured INSERTs can be replayed without conflicts (Django's foreign keys
are deferred, so ids that only existed in the rolled-back run are never checked).
"""

import json
import os
import sys


def capture(out):
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from bench import pages as bench_pages

    ids = bench_pages.ids(os.environ["DATABASE_URL"])
    users = {p: get_user_model().objects.get(username=u) for p, u in bench_pages.PERSONAS.items()}
    rng = bench_pages.rng()
    floors = {}
    for key, page in enumerate(bench_pages.pages(ids)):
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(users[page.persona])
        client.get("/")  # the session exists before the measured request, as in the load run
        with transaction.atomic(), CaptureQueriesContext(connection) as queries:
            if page.method == "POST":
                response = client.post(page.path, page.form(rng, ids, timezone.localtime()))
            else:
                response = client.get(page.path)
            transaction.set_rollback(True)
        assert response.status_code in page.expect, (page.name, response.status_code)
        floors[str(key)] = [q["sql"] for q in queries.captured_queries]
    with open(out, "w") as file:
        json.dump(floors, file)


if __name__ == "__main__":
    os.environ["DATABASE_URL"] = f"{os.environ.get('BENCH_PG', 'postgres://postgres@127.0.0.1:5432')}/{sys.argv[1]}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.bench")
    capture(sys.argv[2])
