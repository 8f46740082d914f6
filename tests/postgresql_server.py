"""A throwaway PostgreSQL server for tests: a cluster of its own in a temporary folder, reached
through a unix socket in that folder only (no TCP port, so servers of test runs side by side
never meet).

Debian's `postgresql` package provides the programs (dev.py's POSTGRESQL installs it when the
tests run as root). PostgreSQL refuses to run as root: run as root, the cluster is made and run
as the package's `postgres` user (initdb wants a user with a name, which the bare uids of
tests/unprivileged.py lack). Without the programs, `start_server` skips the test, saying why.

    with start_server() as server:
        url = server.create_database("course")   # an empty database, as a SQLAlchemy URL
"""

from __future__ import annotations

import importlib.util
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SUPERUSER = "grader"  # the cluster's one role; local connections are trusted
SERVER_ACCOUNT = "postgres"  # who runs the server when the tests run as root


def _dev():
    """dev.py, loaded as a module (it is a script, not a package)."""
    spec = importlib.util.spec_from_file_location("_course_dev", ROOT / "dev.py")
    dev = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(dev)
    return dev


def missing_server() -> str | None:
    """Why no PostgreSQL server can be started here, or None."""
    dev = _dev()
    if dev.postgresql_bin() is None:
        return (
            f"PostgreSQL's server programs ({dev.POSTGRESQL_BIN}/initdb, pg_ctl) are missing: "
            "`python3 dev.py test` installs Debian's postgresql when run as root; otherwise "
            "install it as root with `apt-get install -y postgresql`"
        )
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(SERVER_ACCOUNT)
        except KeyError:
            return f"run as root, the server runs as the user {SERVER_ACCOUNT!r}, which is missing"
    return None


def _as_server_account():
    """What runs a program as the server's account: nothing to change unless this is root."""
    if os.geteuid() != 0:
        return None
    account = pwd.getpwnam(SERVER_ACCOUNT)

    def drop() -> None:
        os.setgroups([])
        os.setgid(account.pw_gid)
        os.setuid(account.pw_uid)

    return drop


@dataclass
class Server:
    folder: Path  # the cluster (data/), its log and its socket

    @property
    def socket_folder(self) -> str:
        return str(self.folder)

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{SUPERUSER}@/{database}?host={self.socket_folder}"

    def connect(self, database: str = "postgres"):
        import psycopg

        return psycopg.connect(
            host=self.socket_folder, user=SUPERUSER, dbname=database, autocommit=True
        )

    def create_database(self, name: str) -> str:
        """A new, empty database ``name``: its URL."""
        with self.connect() as db:
            db.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


def _run(*command: str | Path, folder: Path) -> None:
    result = subprocess.run(
        [str(c) for c in command],
        cwd=folder,
        env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": str(folder)},
        preexec_fn=_as_server_account(),
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=900,
    )
    log = folder / "server.log"
    assert result.returncode == 0, (
        f"{' '.join(map(str, command))} failed ({result.returncode}):\n"
        f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}\n"
        f"{log.read_text()[-3000:] if log.exists() else ''}"
    )


@contextmanager
def start_server() -> Iterator[Server]:
    """A PostgreSQL server of its own, started (pg_ctl waits until it accepts connections), and
    stopped and deleted at the end."""
    problem = missing_server()
    if problem:
        pytest.skip(problem)
    programs = _dev().postgresql_bin()
    folder = Path(tempfile.mkdtemp(prefix="optgrade-postgresql-", dir="/tmp"))
    if os.geteuid() == 0:
        account = pwd.getpwnam(SERVER_ACCOUNT)
        os.chown(folder, account.pw_uid, account.pw_gid)
    data = folder / "data"
    started = False
    try:
        _run(
            programs / "initdb",
            "--pgdata",
            data,
            "--username",
            SUPERUSER,
            "--auth",
            "trust",
            "--encoding",
            "UTF8",
            "--no-locale",
            "--no-sync",
            folder=folder,
        )
        # The socket in the folder, no TCP; durability is not what these tests are about.
        options = f"-k {folder} -c listen_addresses='' -c fsync=off -c max_connections=200"
        start = ["start", "--wait", "--timeout", "600", "--log", folder / "server.log"]
        _run(programs / "pg_ctl", "--pgdata", data, "-o", options, *start, folder=folder)
        started = True
        yield Server(folder)
    finally:
        if started:
            _run(programs / "pg_ctl", "--pgdata", data, "stop", "--mode", "fast", folder=folder)
        shutil.rmtree(folder, ignore_errors=True)
