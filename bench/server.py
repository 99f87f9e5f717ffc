"""Start and stop gunicorn (loopback only) against one benchmark database."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench"
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")


def app_env(database, **extra):
    """The environment of every bench process: bench settings, its database, its broker."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.bench",
        "DATABASE_URL": database if "://" in database else f"{PG}/{database}",
        "DJANGO_STATIC_ROOT": str(VAR / "static"),
        "CELERY_BROKER_URL": os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/6"),
        **{k: str(v) for k, v in extra.items()},
    }


def collectstatic(env):
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env,
                   check=True)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """`with Gunicorn(env) as server:` serves on server.port until the block ends."""

    def __init__(self, env, workers=2, port=None, log=None, timeout=30):
        self.env, self.workers, self.port = env, workers, port or free_port()
        self.log = log or (VAR / "gunicorn.log")
        self.timeout = timeout
        self.process = None

    def __enter__(self):
        VAR.mkdir(parents=True, exist_ok=True)
        self.log_file = open(self.log, "ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{self.port}",
             "--workers", str(self.workers), "--timeout", str(self.timeout), "--graceful-timeout", "5",
             "--keep-alive", "30"],
            cwd=ROOT, env=self.env, stdout=self.log_file, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError(f"gunicorn exited; see {self.log}") from None
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start within 60 s")

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log_file.close()
