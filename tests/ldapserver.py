"""A real OpenLDAP server for the directory sign-in tests (issue 24): Debian's slapd, started on
a free loopback port with its own configuration and data in a temporary folder, stopped after.

Without slapd the tests skip with a message; in CI (CI or REQUIRE_BROWSER set) they fail
instead, since .ci/run installs it."""

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from tests.receivers import free_port

SLAPD = shutil.which("slapd") or ("/usr/sbin/slapd" if Path("/usr/sbin/slapd").exists() else None)
SCHEMA = Path("/etc/ldap/schema")
MODULES = Path("/usr/lib/ldap")
SUFFIX = "dc=example,dc=com"
ROOT_DN, ROOT_PASSWORD = f"cn=admin,{SUFFIX}", "directory-secret"

CONFIG = """\
include {schema}/core.schema
include {schema}/cosine.schema
include {schema}/inetorgperson.schema
include {schema}/nis.schema
modulepath {modules}
moduleload back_mdb
pidfile {folder}/slapd.pid
database mdb
maxsize 10485760
suffix "{suffix}"
rootdn "{root_dn}"
rootpw {root_password}
directory {folder}/data
access to attrs=userPassword by self read by anonymous auth by * none
access to * by * read
"""


def require_slapd():
    if SLAPD and SCHEMA.is_dir():
        return
    message = "no OpenLDAP server installed (apt-get install slapd ldap-utils); the LDAP tests need it"
    if os.environ.get("CI") or os.environ.get("REQUIRE_BROWSER"):
        pytest.fail(message)
    pytest.skip(message)


class Slapd:
    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="kam-slapd-"))
        self.port = free_port()
        self.uri = f"ldap://127.0.0.1:{self.port}"
        self.process = None

    def __enter__(self):
        (self.folder / "data").mkdir()
        config = self.folder / "slapd.conf"
        config.write_text(CONFIG.format(schema=SCHEMA, modules=MODULES, folder=self.folder, suffix=SUFFIX,
                                        root_dn=ROOT_DN, root_password=ROOT_PASSWORD))
        # -d 0: stay in the foreground (the test owns the process) and log nothing.
        self.process = subprocess.Popen([SLAPD, "-f", str(config), "-h", f"{self.uri}/", "-d", "0"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self._wait()
        return self

    def _wait(self):
        import ldap

        deadline = time.monotonic() + 15
        while True:
            if self.process.poll() is not None:
                raise RuntimeError("slapd stopped: " + self.process.stderr.read().decode(errors="replace"))
            try:
                self.connect().unbind_s()
                return
            except ldap.SERVER_DOWN:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def connect(self):
        import ldap

        connection = ldap.initialize(self.uri)
        connection.simple_bind_s(ROOT_DN, ROOT_PASSWORD)
        return connection

    def add(self, dn, **attributes):
        import ldap.modlist

        entry = {key: [v.encode() for v in (values if isinstance(values, list) else [values])]
                 for key, values in attributes.items()}
        connection = self.connect()
        try:
            connection.add_s(dn, ldap.modlist.addModlist(entry))
        finally:
            connection.unbind_s()

    def __exit__(self, *exc):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)
