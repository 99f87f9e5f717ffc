"""/healthz answers 200 with database and broker status, 503 when either is down."""

import pytest
from django.db import connection


def test_healthy_when_database_and_broker_answer(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() | {"worker_last_heartbeat": None} == {
        "database": "ok", "broker": "ok", "status": "ok", "worker_last_heartbeat": None,
    }


def test_down_when_the_broker_is_unreachable(client, db, settings):
    # A real broker address where nothing listens: the probe must fail, quickly.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:9/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"].startswith("down")
    assert response.json()["database"] == "ok"


@pytest.mark.django_db(transaction=True)
def test_down_when_the_database_is_unreachable(client, monkeypatch):
    connection.close()
    monkeypatch.setitem(connection.settings_dict, "HOST", "127.0.0.1")
    monkeypatch.setitem(connection.settings_dict, "PORT", "9")
    try:
        response = client.get("/healthz")
    finally:
        connection.close()
    assert response.status_code == 503
    assert response.json()["database"].startswith("down")
    assert response.json()["status"] == "down"


@pytest.mark.parametrize("task", ["core.tasks.heartbeat", "reports.tasks.heartbeat"])
def test_the_last_heartbeat_counts_runs_under_its_name_before_the_move(client, db, task):
    from datetime import timedelta

    from django.utils import timezone

    from core.models import JobRun

    beat = timezone.now() - timedelta(seconds=30)
    JobRun.objects.create(task=task, task_id="h-1", status="succeeded", started_at=beat, finished_at=beat)
    JobRun.objects.create(task="care.tasks.birthday_tasks_generate", task_id="c-1", status="succeeded",
                          started_at=timezone.now(), finished_at=timezone.now())
    assert client.get("/healthz").json()["worker_last_heartbeat"] == beat.isoformat()
