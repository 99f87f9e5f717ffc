"""Settings: production passes the deploy checks; CI really runs on PostgreSQL and Redis."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def test_production_settings_pass_check_deploy_with_no_warnings():
    # The browser tests' conftest sets DJANGO_ALLOW_ASYNC_UNSAFE for this process;
    # a production server never has it.
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "x7$Kp!2qLw9#Rz4vTn8^Yb6&Hc3*Jd5@Mf1(Gs0)Ae-Uo_Ix+Qy=Wr",
        "DJANGO_ALLOWED_HOSTS": "crm.example.com",
        "DATABASE_URL": settings.DATABASES["default"].get("URL", "") or os.environ.get("DATABASE_URL", "")
        or "postgres://postgres@127.0.0.1:5432/postgres",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.skipif(not os.environ.get("CI"), reason="only CI promises the real services")
@pytest.mark.django_db
def test_ci_runs_on_the_machines_postgresql_and_redis():
    assert connection.vendor == "postgresql"
    assert connection.settings_dict["HOST"] in ("127.0.0.1", "localhost")
    assert settings.CELERY_BROKER_URL.startswith("redis://")


@pytest.mark.django_db
def test_the_database_is_postgresql_with_trigram_search_available():
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_available_extensions WHERE name = 'pg_trgm'")
        assert cursor.fetchone()[0] == 1


@pytest.mark.django_db
def test_the_apps_database_sessions_run_without_jit():
    # JIT compiling cost the value report about a second on 1,000 accounts (docs/PERFORMANCE.md).
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


@pytest.mark.django_db
def test_the_apps_database_sessions_price_an_index_read_as_on_ssd():
    # At the server's default of 4, a manager's account list read all 100k accounts (docs/PERFORMANCE.md).
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert float(cursor.fetchone()[0]) == 1.1
