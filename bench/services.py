"""Private services for the fault scripts, on loopback and their own ports: a Redis that may be
stopped, a PostgreSQL cluster that may be restarted, Celery workers and beats that may be killed.
The shared PostgreSQL (5432) and Redis (6379) are never touched."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.server import ROOT, VAR

PG_BIN = Path("/usr/lib/postgresql/15/bin")


def wait_port(port, up=True, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                if up:
                    return
        except OSError:
            if not up:
                return
        time.sleep(0.1)
    raise RuntimeError(f"port {port} did not go {'up' if up else 'down'} within {timeout} s")


class Redis:
    def __init__(self, port=6390):
        self.port, self.process = port, None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_port(self.port)
        return self

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        wait_port(self.port, up=False)


def _as_postgres(args):
    """initdb refuses root: the cluster is the postgres user's, like the system one."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *args]
    return args


class PrivatePostgres:
    """A throwaway cluster in a temp dir on its own port, so that it can be restarted under load."""

    def __init__(self, port=5499):
        self.port = port
        self.dir = Path(tempfile.mkdtemp(prefix="kam_bench_pg_"))
        self.data = self.dir / "data"
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")

    @property
    def server(self):
        return f"postgres://postgres@127.0.0.1:{self.port}"

    def start(self):
        subprocess.run(_as_postgres([str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres",
                                     "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"]),
                       check=True, stdout=subprocess.DEVNULL)
        self._ctl("start", "-o", f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off")
        wait_port(self.port)
        return self

    def restart(self):
        self._ctl("restart", "-m", "fast", "-o", f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1")

    def stop(self):
        if self.data.exists():
            self._ctl("stop", "-m", "immediate", check=False)
        shutil.rmtree(self.dir, ignore_errors=True)

    def _ctl(self, *args, check=True):
        subprocess.run(_as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-w", "-l",
                                     str(self.dir / "log"), *args]),
                       check=check, stdout=subprocess.DEVNULL)


class Celery:
    """`celery worker` or `celery beat` as a child process with the bench settings."""

    def __init__(self, env, kind="worker", name="w1", concurrency=1):
        self.env, self.kind, self.name, self.concurrency = env, kind, name, concurrency
        self.log = VAR / "faults" / f"celery-{name}.log"
        self.process = None

    def start(self):
        self.log.parent.mkdir(parents=True, exist_ok=True)
        if self.kind == "worker":
            args = ["worker", "-P", "prefork", "-c", str(self.concurrency), "-n", f"{self.name}@%h",
                    "--without-gossip", "--without-mingle", "-l", "info"]
        else:
            args = ["beat", "-l", "info", "--pidfile", str(self.log.with_suffix(".pid")),
                    "-s", str(self.log.with_suffix(".schedule"))]
        self.log_file = open(self.log, "wb")
        self.process = subprocess.Popen([sys.executable, "-m", "celery", "-A", "config", *args], cwd=ROOT,
                                        env=self.env, stdout=self.log_file, stderr=subprocess.STDOUT)
        return self

    def wait_ready(self, text=b"ready.", timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.log.read_bytes():
                return self
            if self.process.poll() is not None:
                raise RuntimeError(f"celery {self.name} exited; see {self.log}")
            time.sleep(0.2)
        raise RuntimeError(f"celery {self.name} not ready within {timeout} s; see {self.log}")

    def children(self):
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.process.pid)], capture_output=True, text=True)
        return [int(pid) for pid in out.stdout.split()]

    def kill(self, sig=signal.SIGKILL):
        """SIGKILL the whole worker, pool included: nothing can acknowledge anything."""
        for pid in self.children():
            os.kill(pid, sig)
        self.process.send_signal(sig)
        self.process.wait(timeout=10)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
        if self.process:
            self.log_file.close()
