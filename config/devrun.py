"""`make run`: the web server, a Celery worker and beat, stopped together by Ctrl-C.

The embedded PostgreSQL keeps running afterwards (a `make test` in another
terminal may be using it); `make stop-db` stops it.
"""

import os
import signal
import subprocess
import sys
import time

BIN = os.path.dirname(sys.executable)
PROCESSES = {
    "web": [sys.executable, "manage.py", "runserver", "127.0.0.1:8000"],
    "worker": [f"{BIN}/celery", "-A", "config", "worker", "-l", "info", "--concurrency", "2"],
    "beat": [f"{BIN}/celery", "-A", "config", "beat", "-l", "info"],
}


def main():
    children = {name: subprocess.Popen(cmd) for name, cmd in PROCESSES.items()}
    print("KAM CRM is starting at http://127.0.0.1:8000 — press Ctrl-C to stop.", flush=True)
    try:
        while all(child.poll() is None for child in children.values()):
            time.sleep(0.5)
        dead = [name for name, child in children.items() if child.poll() is not None]
        print(f"{', '.join(dead)} stopped; stopping the others.", file=sys.stderr)
    except KeyboardInterrupt:
        pass
    finally:
        for child in children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in children.values():
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()


if __name__ == "__main__":
    main()
