"""/healthz: is the app able to serve? Probes the database and the broker."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config.celery import app as celery_app

BROKER_TIMEOUT_SECONDS = 2


def database_status():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception as exc:  # any failure means "down"; the reason goes in the body
        return f"down: {exc.__class__.__name__}"


def broker_status():
    try:
        with celery_app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=BROKER_TIMEOUT_SECONDS)
        return "ok"
    except Exception as exc:
        return f"down: {exc.__class__.__name__}"


def last_heartbeat():
    from core.jobs import last_heartbeat  # after apps are loaded: it reads a model

    started = last_heartbeat()
    return started.isoformat() if started else None


@login_not_required
@never_cache
@require_GET
def healthz(request):
    body = {"database": database_status(), "broker": broker_status()}
    healthy = body["database"] == "ok" and body["broker"] == "ok"
    if body["database"] == "ok":
        # Informational: a stopped worker does not stop the web app serving.
        body["worker_last_heartbeat"] = last_heartbeat()
    body["status"] = "ok" if healthy else "down"
    return JsonResponse(body, status=200 if healthy else 503)
